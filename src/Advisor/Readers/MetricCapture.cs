using GpuQos.Model.Metrics;

namespace GpuQos.Advisor.Readers;

/// <summary>Collects the samples of the named families from metric sources, without a scrape.</summary>
public sealed class MetricCapture(IReadOnlySet<string> names) : IMetricWriter
{
    private readonly List<CapturedSample> _samples = [];

    /// <summary>Families that some source defines, whether or not it wrote a sample.</summary>
    public HashSet<string> Defined { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<CapturedSample> Samples => _samples;

    /// <summary>Runs every source (except <paramref name="skip"/>) into the capture.</summary>
    public MetricCapture From(IEnumerable<IMetricSource> sources, IMetricSource? skip = null)
    {
        foreach (var source in sources.Where(s => s != skip && s.Metrics.Any(m => names.Contains(m.Name))))
        {
            Defined.UnionWith(source.Metrics.Select(m => m.Name).Where(names.Contains));
            source.WriteTo(this);
        }

        return this;
    }

    public void Write(MetricDefinition metric, double value, params ReadOnlySpan<string> labels)
    {
        if (names.Contains(metric.Name))
        {
            _samples.Add(new CapturedSample(metric, value, labels.ToArray()));
        }
    }
}
