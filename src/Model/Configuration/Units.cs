using System.Globalization;
using System.Text.RegularExpressions;

namespace GpuQos.Model.Configuration;

/// <summary>Parses the units users write in YAML: Prometheus-style durations and byte sizes.</summary>
public static partial class Units
{
    /// <summary>
    /// Parses a duration the way Prometheus writes them: <c>500ms</c>, <c>1s</c>, <c>2m</c>, <c>1h30m</c>, <c>7d</c>.
    /// A bare number is seconds.
    /// </summary>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        text = text.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            if (double.IsFinite(seconds) && seconds >= 0)
            {
                value = TimeSpan.FromSeconds(seconds);
                return true;
            }

            return false;
        }

        var matches = DurationPart().Matches(text);
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != text)
        {
            return false;
        }

        double ms = 0;
        foreach (Match m in matches)
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            ms += m.Groups[2].Value switch
            {
                "ms" => n,
                "us" or "µs" => n / 1000,
                "s" => n * 1000,
                "m" => n * 60_000,
                "h" => n * 3_600_000,
                "d" => n * 86_400_000,
                "w" => n * 7 * 86_400_000,
                _ => double.NaN,
            };
        }

        if (!double.IsFinite(ms))
        {
            return false;
        }

        value = TimeSpan.FromMilliseconds(ms);
        return true;
    }

    /// <summary>Parses a byte size: <c>512MiB</c>, <c>8GiB</c>, <c>80GB</c> (decimal), <c>1024</c> (bytes).</summary>
    public static bool TryParseBytes(string text, out long value)
    {
        value = 0;
        var m = ByteSize().Match(text.Trim());
        if (!m.Success)
        {
            return false;
        }

        var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        double factor = m.Groups[2].Value.ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "KB" => 1e3,
            "MB" => 1e6,
            "GB" => 1e9,
            "TB" => 1e12,
            "KIB" or "K" => 1L << 10,
            "MIB" or "M" => 1L << 20,
            "GIB" or "G" => 1L << 30,
            "TIB" or "T" => 1L << 40,
            _ => double.NaN,
        };
        var bytes = n * factor;
        if (!double.IsFinite(bytes) || bytes < 0 || bytes > long.MaxValue)
        {
            return false;
        }

        value = (long)bytes;
        return true;
    }

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]+)?)(ms|us|µs|s|m|h|d|w)", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPart();

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex ByteSize();
}

/// <summary>Marks a <see cref="long"/> property as a byte size, so YAML may write <c>8GiB</c>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ByteSizeAttribute : Attribute
{
}
