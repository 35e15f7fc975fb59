using System.Text;

namespace GpuQos.Advisor.Readers;

/// <summary>
/// Cuts a fleet's hosts into batches that one PromQL query each reads. A per-series <c>*_over_time</c> query touches
/// every sample of every series it selects in the window, so its cost grows with hosts x days: a quantile cannot be
/// added up over time ranges, but the series of different hosts are independent, so batching hosts bounds each query
/// and leaves every result as it was.
/// </summary>
public static class HostShards
{
    /// <summary>
    /// Host-days one query reads by default. The generated fleet (8 GPUs, about 4 tenant series per host, 60 s
    /// scrapes) holds about 19,400 samples per host-day in its largest series family (docs/performance.md, "Fleet"),
    /// so 1,000 host-days is about 19 M samples: 2.5 times under the 50 M goal of issue 23, room for denser scrapes.
    /// </summary>
    public const double DefaultHostDaysPerQuery = 1000;

    /// <summary>How many hosts one query reads over <paramref name="window"/>: at least one.</summary>
    public static int HostsPerQuery(TimeSpan window, double hostDaysPerQuery)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hostDaysPerQuery);
        var days = Math.Max(window.TotalDays, 1.0 / 86_400);
        return (int)Math.Clamp(Math.Floor(hostDaysPerQuery / days), 1, int.MaxValue);
    }

    /// <summary>The hosts, sorted, in batches of at most <paramref name="size"/>, each as an <c>instance=~"..."</c> matcher.</summary>
    public static IReadOnlyList<string> Matchers(IEnumerable<string> instances, int size) =>
        [.. instances.Order(StringComparer.Ordinal).Chunk(size).Select(Matcher)];

    /// <summary>An <c>instance</c> matcher that selects exactly these hosts: each is quoted as a regular expression, then as a PromQL string.</summary>
    public static string Matcher(IEnumerable<string> instances)
    {
        var regex = string.Join('|', instances.Select(QuoteMeta));
        return "instance=~\"" + regex.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>Escapes what RE2 (Prometheus's regular expressions) reads as syntax, as Go's <c>regexp.QuoteMeta</c> does.</summary>
    private static string QuoteMeta(string literal)
    {
        var quoted = new StringBuilder(literal.Length + 8);
        foreach (var c in literal)
        {
            if (@"\.+*?()|[]{}^$".Contains(c, StringComparison.Ordinal))
            {
                quoted.Append('\\');
            }

            quoted.Append(c);
        }

        return quoted.ToString();
    }
}
