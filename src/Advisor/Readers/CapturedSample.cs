using GpuQos.Model.Metrics;

namespace GpuQos.Advisor.Readers;

/// <summary>A sample another metric source wrote in this process, read by name and label like a scrape.</summary>
public sealed record CapturedSample(MetricDefinition Metric, double Value, IReadOnlyList<string> LabelValues)
{
    /// <summary>The value of label <paramref name="name"/>, or empty when the metric has no such label.</summary>
    public string Label(string name)
    {
        var labels = Metric.Labels;
        for (var i = 0; i < labels.Count; i++)
        {
            if (string.Equals(labels[i], name, StringComparison.Ordinal))
            {
                return LabelValues[i];
            }
        }

        return "";
    }
}
