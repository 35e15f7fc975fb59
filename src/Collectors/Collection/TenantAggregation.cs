using GpuQos.Collectors.Model;

namespace GpuQos.Collectors.Collection;

/// <summary>
/// Sums processes and partitions into per-tenant usage of each GPU. On a time-sliced or exclusive GPU a
/// tenant's SM share is the sum of its processes' shares. On a MIG GPU it is its instances' utilization
/// weighted by their SM counts. On a vGPU GPU it is its VMs' utilization. Under MPS it is unknown (NVML
/// charges client work to the server), so only memory is summed. A MIG instance or VM counts for its owner
/// (see <c>PartitionOwnership</c>); a process of another tenant inside it keeps its own memory.
/// </summary>
public static class TenantAggregation
{
    /// <summary>Per-tenant usage of each GPU, ordered by GPU, then tenant name.</summary>
    public static IReadOnlyList<TenantUsage> Aggregate(IReadOnlyList<GpuSnapshot> gpus)
    {
        var result = new List<TenantUsage>();
        var acc = new Dictionary<string, (double? Sm, long Memory, int Processes)>(StringComparer.Ordinal);
        foreach (var gpu in gpus)
        {
            acc.Clear();
            var mode = gpu.Mode;
            var migSms = gpu.Partitions.Where(p => p.Reading.Kind == PartitionKind.Mig).Sum(p => p.Reading.SmCount ?? 0);
            foreach (var p in gpu.Partitions)
            {
                if (p.Tenant.Length == 0 || p.Reading.Kind is PartitionKind.Shared or PartitionKind.Exclusive)
                {
                    continue;
                }

                double? share = p.Reading.SmUtilization is { } u
                    ? (p.Reading.Kind == PartitionKind.Mig ? u * (p.Reading.SmCount ?? 0) / Math.Max(1, migSms) : u)
                    : null;

                // A process of another tenant inside the partition is charged its own memory below; take it
                // out of the owner's so nothing is counted twice. Its SM time cannot be split off (NVML has no
                // per-process utilization inside MIG), so it stays with the owner.
                var others = gpu.Processes
                    .Where(proc => proc.Partition?.Id == p.Reading.Id && proc.Attribution.Tenant.Length > 0 && proc.Attribution.Tenant != p.Tenant)
                    .Sum(proc => proc.Reading.UsedMemoryBytes);
                Add(acc, p.Tenant, share, Math.Max(0, (p.Reading.MemoryUsedBytes ?? 0) - others), 0);
            }

            foreach (var proc in gpu.Processes)
            {
                var tenant = proc.Attribution.Tenant;
                if (tenant.Length == 0)
                {
                    continue;
                }

                // Partition-level usage already counts MIG and vGPU processes' SM time and memory.
                var inOwnedPartition = proc.Partition is { Kind: PartitionKind.Mig or PartitionKind.Vgpu }
                    && gpu.Partitions.Any(p => p.Reading.Id == proc.Partition.Id && p.Tenant == tenant);
                var sm = mode is SharingMode.TimeSliced or SharingMode.Exclusive ? proc.Reading.SmUtilization : null;
                Add(acc, tenant, inOwnedPartition ? null : sm, inOwnedPartition ? 0 : proc.Reading.UsedMemoryBytes, 1);
            }

            foreach (var (tenant, (sm, memory, processes)) in acc.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                result.Add(new TenantUsage(tenant, gpu.Identity.Index, sm, memory, processes));
            }
        }

        return new TenantUsages(result);
    }

    private static void Add(Dictionary<string, (double? Sm, long Memory, int Processes)> acc, string tenant, double? sm, long memory, int processes)
    {
        var current = acc.GetValueOrDefault(tenant);
        var total = (current.Sm, sm) switch
        {
            (null, null) => (double?)null,
            _ => (current.Sm ?? 0) + (sm ?? 0),
        };
        acc[tenant] = (total, current.Memory + memory, current.Processes + processes);
    }
}
