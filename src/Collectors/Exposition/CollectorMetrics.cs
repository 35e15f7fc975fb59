using GpuQos.Collectors.Collection;
using GpuQos.Model.Metrics;
using GpuQos.Model.Snapshots;

namespace GpuQos.Collectors.Exposition;

/// <summary>The daemon's own collection health: per-collector duration and success, backend errors.</summary>
public sealed class CollectorMetrics(SnapshotStore store, BackendErrorCounter errors) : IMetricSource
{
    public static readonly MetricDefinition Duration = new("gpuqos_collector_duration_seconds", MetricType.Gauge, "How long the collector took in the last cycle.", ["collector"], "daemon");
    public static readonly MetricDefinition Success = new("gpuqos_collector_success", MetricType.Gauge, "1 when the collector's last cycle succeeded for every GPU.", ["collector"], "daemon");
    public static readonly MetricDefinition LastCollection = new("gpuqos_last_collection_timestamp_seconds", MetricType.Gauge, "Unix time of the last completed collection cycle.", [], "daemon");
    public static readonly MetricDefinition Cycles = new("gpuqos_collection_cycles_total", MetricType.Counter, "Collection cycles completed.", [], "daemon");
    public static readonly MetricDefinition BackendErrors = new("gpuqos_nvml_errors_total", MetricType.Counter, "Errors returned by the backend (NVML), by function and code.", ["function", "code"], "NVML return codes");

    public IReadOnlyList<MetricDefinition> Metrics { get; } = [Duration, Success, LastCollection, Cycles, BackendErrors];

    public void WriteTo(IMetricWriter writer)
    {
        if (store.Latest is not { } snapshot)
        {
            return;
        }

        foreach (var c in snapshot.Collectors)
        {
            writer.Write(Duration, c.Duration.TotalSeconds, c.Name);
            writer.Write(Success, c.Success ? 1 : 0, c.Name);
        }

        writer.Write(LastCollection, snapshot.Timestamp.ToUnixTimeMilliseconds() / 1000.0);
        writer.Write(Cycles, snapshot.Sequence);
        foreach (var ((function, code), count) in errors.Counts)
        {
            writer.Write(BackendErrors, count, function, code);
        }
    }
}
