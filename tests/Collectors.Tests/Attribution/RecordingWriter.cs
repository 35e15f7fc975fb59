using GpuQos.Model.Metrics;

namespace GpuQos.Collectors.Tests.Attribution;

/// <summary>Keeps every sample a metric source writes, with its labels by name.</summary>
internal sealed class RecordingWriter : IMetricWriter
{
    public List<(string Name, Dictionary<string, string> Labels, double Value)> Samples { get; } = [];

    public void Write(MetricDefinition metric, double value, params ReadOnlySpan<string> labels)
    {
        Assert.Equal(metric.Labels.Count, labels.Length);
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < labels.Length; i++)
        {
            byName[metric.Labels[i]] = labels[i];
        }

        Samples.Add((metric.Name, byName, value));
    }

    public IEnumerable<(Dictionary<string, string> Labels, double Value)> Of(string name) =>
        Samples.Where(s => s.Name == name).Select(s => (s.Labels, s.Value));
}
