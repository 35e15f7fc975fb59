namespace GpuQos.Enforcer.Workload;

/// <summary>One sample of a workload's metrics: a series (name and labels) and its value.</summary>
/// <param name="Name">The metric name as exposed (<c>http_request_duration_seconds_bucket</c>).</param>
/// <param name="Labels">The series' labels; <c>le</c> included for histogram buckets.</param>
/// <param name="Value">The value.</param>
public sealed record ExposedSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    /// <summary>True when every label of <paramref name="selector"/> is on this series with the same value.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        foreach (var (name, value) in selector)
        {
            if (!Labels.TryGetValue(name, out var have) || !string.Equals(have, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
