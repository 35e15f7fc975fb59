using GpuQos.Model.Metrics;
using GpuQos.Collectors.Accounting;

namespace GpuQos.Collectors.Exposition;

/// <summary>
/// The usage ledger's counters: what each tenant used and reserved on each GPU since the daemon started. They
/// carry <c>gpu_model</c>, so that a fleet query can price or group GPU-hours without joining another series. The
/// ledger integrates every snapshot on its own (<see cref="UsageLedgerConsumer"/>); this only writes what it holds.
/// </summary>
public sealed class UsageMetrics(UsageLedger ledger) : IMetricSource
{
    private const string Ledger = "usage ledger: ";

    /// <summary>Labels of the usage counters.</summary>
    public static IReadOnlyList<string> Labels { get; } = MetricLabels.Tenant.With("gpu_model");

    public static readonly MetricDefinition SmSeconds = new("gpuqos_tenant_sm_seconds_total", MetricType.Counter, "GPU-seconds of SM time the tenant used: busy fraction times the partition's share of the GPU's SMs, integrated every collection cycle (not counted under MPS).", Labels, Ledger + "SM share (MIG: utilization x SMs / GPU SMs) x cycle duration");
    public static readonly MetricDefinition MemoryByteSeconds = new("gpuqos_tenant_memory_byte_seconds_total", MetricType.Counter, "Device memory the tenant held, integrated over time.", Labels, Ledger + "tenant memory x cycle duration");
    public static readonly MetricDefinition ReservedSeconds = new("gpuqos_tenant_reserved_seconds_total", MetricType.Counter, "GPU-seconds reserved for the tenant, used or not: MIG instances (SM share), vGPU framebuffers (memory share), an exclusive GPU, or a min-sm-share floor.", Labels, Ledger + "max(partitions held, floor) x cycle duration");

    public IReadOnlyList<MetricDefinition> Metrics { get; } = [SmSeconds, MemoryByteSeconds, ReservedSeconds];

    public void WriteTo(IMetricWriter writer)
    {
        // Every account is written every cycle, also for a tenant gone from the GPU: a counter that vanished and
        // came back would read to increase() as a new series, and its first stretch would be lost.
        foreach (var a in ledger.Accounts)
        {
            writer.Write(SmSeconds, a.SmSeconds, a.Gpu, a.Uuid, a.Tenant, a.GpuModel);
            writer.Write(MemoryByteSeconds, a.MemoryByteSeconds, a.Gpu, a.Uuid, a.Tenant, a.GpuModel);
            writer.Write(ReservedSeconds, a.ReservedSeconds, a.Gpu, a.Uuid, a.Tenant, a.GpuModel);
        }
    }
}
