using GpuQos.Daemon.Hosting;
using GpuQos.Model.Metrics;

namespace GpuQos.Daemon.Exposition;

/// <summary>Whether the last configuration reload was applied, and when it was attempted (as Prometheus's own <c>config_last_reload_*</c>).</summary>
public sealed class ConfigReloadMetrics(ReloadStatus status) : IMetricSource
{
    public static readonly MetricDefinition Success = new(
        "gpuqos_config_last_reload_success", MetricType.Gauge, "1 when the last configuration load (start, SIGHUP or file change) was applied, 0 when it was rejected and the previous configuration stayed in force.", [], "daemon");

    public static readonly MetricDefinition Timestamp = new(
        "gpuqos_config_last_reload_timestamp_seconds", MetricType.Gauge, "Unix time of the last configuration load attempt.", [], "daemon");

    public IReadOnlyList<MetricDefinition> Metrics { get; } = [Success, Timestamp];

    public void WriteTo(IMetricWriter writer)
    {
        writer.Write(Success, status.LastSucceeded ? 1 : 0);
        writer.Write(Timestamp, status.LastAttempt.ToUnixTimeMilliseconds() / 1000.0);
    }
}
