using GpuQos.Model.Metrics;
using GpuQos.Model.Snapshots;

namespace GpuQos.Collectors.Exposition;

/// <summary>Per-tenant aggregates on each GPU.</summary>
public sealed class TenantMetrics(SnapshotStore store) : IMetricSource
{
    public static readonly MetricDefinition SmShare = new("gpuqos_tenant_sm_share_ratio", MetricType.Gauge, "The tenant's share of the GPU's SM time (absent under MPS, where it cannot be known).", MetricLabels.Tenant, "sum of process or partition utilization, by tenant");
    public static readonly MetricDefinition MemoryUsed = new("gpuqos_tenant_memory_used_bytes", MetricType.Gauge, "Device memory held by the tenant on the GPU.", MetricLabels.Tenant, "sum of process or partition memory, by tenant");
    public static readonly MetricDefinition Processes = new("gpuqos_tenant_processes", MetricType.Gauge, "Number of the tenant's processes on the GPU.", MetricLabels.Tenant, "count of processes, by tenant");

    public IReadOnlyList<MetricDefinition> Metrics { get; } = [SmShare, MemoryUsed, Processes];

    public void WriteTo(IMetricWriter writer)
    {
        if (store.Latest is not { } snapshot)
        {
            return;
        }

        foreach (var t in snapshot.Tenants)
        {
            var gpu = snapshot.Gpus[t.Gpu].Identity;
            GpuMetrics.Optional(writer, SmShare, t.SmShare, gpu.IndexLabel, gpu.Uuid, t.Tenant);
            writer.Write(MemoryUsed, t.MemoryUsedBytes, gpu.IndexLabel, gpu.Uuid, t.Tenant);
            writer.Write(Processes, t.Processes, gpu.IndexLabel, gpu.Uuid, t.Tenant);
        }
    }
}
