using GpuQos.Model.Metrics;

namespace GpuQos.Daemon.Exposition;

/// <summary>
/// How often each metric source failed to write a cycle's series (<see cref="PrometheusExporter.Update"/>).
/// A source of its own, so that every export path (<c>/metrics</c>, OpenTelemetry) carries it like any other.
/// </summary>
public sealed class ExpositionErrors : IMetricSource
{
    /// <summary>The counter: one series per source, from 0.</summary>
    public static readonly MetricDefinition SourceErrors = new(
        "gpuqos_exposition_source_errors_total", MetricType.Counter,
        "Exposition updates (one per snapshot that a scrape asked for) in which a metric source failed to write its series; its series then keep the values of the last update it wrote.",
        ["source"], "daemon");

    private readonly Lock _lock = new();

    // By source name, in the order the sources were tracked, so the series keep one order.
    private readonly OrderedDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public IReadOnlyList<MetricDefinition> Metrics { get; } = [SourceErrors];

    /// <summary>The name a source is counted under: its type's name.</summary>
    public static string NameOf(IMetricSource source) => source.GetType().Name;

    /// <summary>Starts counting these sources (each at 0; one already known keeps its count).</summary>
    public void Track(IEnumerable<IMetricSource> sources)
    {
        lock (_lock)
        {
            foreach (var source in sources)
            {
                if (source != this)
                {
                    _counts.TryAdd(NameOf(source), 0);
                }
            }
        }
    }

    /// <summary>Counts one failed cycle of the source.</summary>
    public void Count(string source)
    {
        lock (_lock)
        {
            _counts[source] = _counts.GetValueOrDefault(source) + 1;
        }
    }

    public void WriteTo(IMetricWriter writer)
    {
        lock (_lock)
        {
            foreach (var (source, count) in _counts)
            {
                writer.Write(SourceErrors, count, source);
            }
        }
    }
}
