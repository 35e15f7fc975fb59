using System.Text.RegularExpressions;

namespace GpuQos.Daemon.Tests.TestSupport;

/// <summary>A parsed sample of the Prometheus text format.</summary>
public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>Parses the Prometheus text exposition format (enough for assertions; promtool checks the rest).</summary>
public static partial class ExpositionParser
{
    public static IReadOnlyList<Sample> Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var m = SampleLine().Match(line);
            if (!m.Success)
            {
                throw new FormatException("not a sample line: " + line);
            }

            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match l in LabelPair().Matches(m.Groups["labels"].Value))
            {
                labels[l.Groups[1].Value] = l.Groups[2].Value.Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
            }

            var value = m.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                var v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture),
            };
            samples.Add(new Sample(m.Groups["name"].Value, labels, value));
        }

        return samples;
    }

    /// <summary>Family names declared with <c># TYPE</c>.</summary>
    public static IReadOnlyDictionary<string, string> Types(string text) =>
        text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal))
            .Select(l => l.Split(' '))
            .ToDictionary(p => p[2], p => p[3], StringComparer.Ordinal);

    [GeneratedRegex(""""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\S+)?$"""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(""""([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"""")]
    private static partial Regex LabelPair();
}

/// <summary>A scrape in process, through the path <c>/metrics</c> takes (the exposition brought up to the latest snapshot, then rendered).</summary>
public static class InProcessScrape
{
    /// <summary>The samples a scrape of <c>/metrics</c> would read now, in the Prometheus text format.</summary>
    public static IReadOnlyList<Sample> Samples(GpuQos.Daemon.Exposition.ScrapeRenders renders)
    {
        var render = renders.Acquire(Prometheus.ExpositionFormat.PrometheusText);
        try
        {
            using var stream = new MemoryStream();
            render.WriteToAsync(stream, CancellationToken.None).GetAwaiter().GetResult();
            return ExpositionParser.Parse(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        }
        finally
        {
            render.Release();
        }
    }
}
