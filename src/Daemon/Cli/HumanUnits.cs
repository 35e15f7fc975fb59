using System.Globalization;

namespace GpuQos.Daemon.Cli;

/// <summary>
/// How <c>gpuqos status</c> writes values for a person: bytes in GiB (MiB when small), ratios in percent, times
/// as "42 s ago", and long text clipped so a table row never wraps. <c>--json</c> keeps the base units.
/// </summary>
internal static class HumanUnits
{
    private const double GiB = 1L << 30;
    private const double MiB = 1L << 20;

    /// <summary><c>32.0 GiB</c>, <c>512 MiB</c>, or <c>-</c> when unknown.</summary>
    public static string Bytes(double? bytes) => bytes switch
    {
        null => "-",
        { } b when Math.Abs(b) >= GiB => (b / GiB).ToString("0.0", CultureInfo.InvariantCulture) + " GiB",
        { } b => (b / MiB).ToString("0", CultureInfo.InvariantCulture) + " MiB",
    };

    /// <summary>A 0..1 ratio as <c>32.6%</c>, or <c>-</c> when unknown.</summary>
    public static string Percent(double? ratio) =>
        ratio is { } r && double.IsFinite(r) ? (r * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-";

    /// <summary>How long before <paramref name="now"/> <paramref name="then"/> was: <c>42 s ago</c>, <c>3 min ago</c>, <c>2 h ago</c>, <c>4 d ago</c>.</summary>
    public static string Ago(DateTimeOffset? then, DateTimeOffset now)
    {
        if (then is not { } t)
        {
            return "-";
        }

        var age = now - t;
        if (age < TimeSpan.Zero)
        {
            // The daemon's clock is ahead of this one, or the value is from the same instant: no negative ages.
            age = TimeSpan.Zero;
        }

        return age.TotalSeconds < 90 ? string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalSeconds} s ago")
            : age.TotalMinutes < 90 ? string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalMinutes} min ago")
            : age.TotalHours < 48 ? string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalHours} h ago")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalDays} d ago");
    }

    /// <summary><paramref name="text"/> cut to <paramref name="max"/> characters, ending in an ellipsis when cut.</summary>
    public static string Clip(string? text, int max) =>
        string.IsNullOrEmpty(text) ? "-" : text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
