using GpuQos.Model.Configuration;

namespace GpuQos.Enforcer.Policies;

/// <summary>
/// How latency and throughput objectives read the workloads' own metrics (the <c>enforcement.workloadMetrics:</c>
/// section). Sources are read every collection interval, off the collection path.
/// </summary>
public sealed partial class WorkloadMetricsOptions
{
    /// <summary>How long one read of a <c>scrape:</c> or <c>prometheus:</c> source may take.</summary>
    public TimeSpan Timeout { get; init; } = WorkloadMetricsOptionsDefaults.Timeout;

    /// <summary>The largest metrics page a <c>scrape:</c> source may return (<c>4MiB</c>); a larger one is a failed read.</summary>
    [ByteSize]
    public long MaxBytes { get; init; } = WorkloadMetricsOptionsDefaults.MaxBytes;

    /// <summary>The Prometheus server that <c>prometheus:</c> sources query (<c>http://prometheus:9090/</c>).</summary>
    public string? Prometheus { get; init; }
}
