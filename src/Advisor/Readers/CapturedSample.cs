using GpuQos.Collectors.Exposition;

namespace GpuQos.Advisor.Readers;

/// <summary>A sample another metric source wrote in this process, read by name and label like a scrape.</summary>
public sealed record CapturedSample(MetricDefinition Metric, double Value, IReadOnlyList<string> LabelValues)
{
    public string Label(string name) => Metric.Labels.ToList().IndexOf(name) is var i and >= 0 ? LabelValues[i] : "";
}
