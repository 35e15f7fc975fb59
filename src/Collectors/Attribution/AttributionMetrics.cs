using GpuQos.Model.Metrics;

namespace GpuQos.Collectors.Attribution;

/// <summary>How attribution itself is doing: is the kubelet answering, how much is cached.</summary>
public sealed class AttributionMetrics(AttributionState state) : IMetricSource
{
    public static readonly MetricDefinition KubeletUp = new("gpuqos_attribution_kubelet_up", MetricType.Gauge, "1 when the last kubelet PodResources refresh succeeded, else 0 (socket absent or call failed).", [], "kubelet PodResources v1 List + GetAllocatableResources");
    public static readonly MetricDefinition KubeletErrors = new("gpuqos_attribution_kubelet_errors_total", MetricType.Counter, "PodResources refreshes that failed while the socket existed.", [], "kubelet PodResources v1");
    public static readonly MetricDefinition Pods = new("gpuqos_attribution_pods", MetricType.Gauge, "Pods the kubelet listed at the last successful refresh.", [], "kubelet PodResources v1 List");
    public static readonly MetricDefinition CachedProcesses = new("gpuqos_attribution_cached_processes", MetricType.Gauge, "Processes whose cgroup and user are cached from procfs.", [], "procfs /proc/PID/cgroup, /proc/PID/status");

    public IReadOnlyList<MetricDefinition> Metrics { get; } = [KubeletUp, KubeletErrors, Pods, CachedProcesses];

    public void WriteTo(IMetricWriter writer)
    {
        writer.Write(KubeletUp, state.KubeletUp ? 1 : 0);
        writer.Write(KubeletErrors, state.KubeletErrors);
        writer.Write(Pods, state.Inventory.PodCount);
        writer.Write(CachedProcesses, state.CachedProcesses);
    }
}
