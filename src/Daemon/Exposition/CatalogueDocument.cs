using System.Text;
using GpuQos.Model.Metrics;

namespace GpuQos.Daemon.Exposition;

/// <summary>
/// Renders the metric catalogue as the generated table in <c>docs/metrics.md</c>. The table sits between two
/// markers; the prose around it is written by hand. A test fails when the file and the code disagree.
/// </summary>
public static class CatalogueDocument
{
    public const string Begin = "<!-- catalogue:begin (generated from the code; GPUQOS_UPDATE_DOCS=1 dotnet test regenerates it) -->";
    public const string End = "<!-- catalogue:end -->";

    /// <summary>The generated table for the given definitions, sorted by name.</summary>
    public static string Render(IEnumerable<MetricDefinition> metrics)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| name | type | unit | labels | description | source |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var m in metrics.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            var labels = m.Labels.Count == 0 ? "" : string.Join(", ", m.Labels.Select(l => $"`{l}`"));
            sb.Append("| `").Append(m.Name).Append("` | ").Append(m.Type == MetricType.Counter ? "counter" : "gauge")
              .Append(" | ").Append(m.Unit).Append(" | ").Append(labels).Append(" | ").Append(Escape(m.Help))
              .Append(" | ").Append(Escape(m.Source)).AppendLine(" |");
        }

        return sb.ToString();
    }

    /// <summary>Replaces the generated part of <paramref name="document"/> with a fresh table.</summary>
    public static string Replace(string document, IEnumerable<MetricDefinition> metrics)
    {
        var begin = document.IndexOf(Begin, StringComparison.Ordinal);
        var end = document.IndexOf(End, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            throw new FormatException("docs/metrics.md lacks the catalogue markers");
        }

        return document[..(begin + Begin.Length)] + "\n" + Render(metrics) + document[end..];
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
