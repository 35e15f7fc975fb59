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
    // Reused by every aggregation on the thread (the collection loop's, cycle after cycle).
    [ThreadStatic]
    private static CoTenantCounter? t_coTenants;

    /// <summary>Per-tenant usage of each GPU, ordered by GPU, then tenant name.</summary>
    public static IReadOnlyList<TenantUsage> Aggregate(IReadOnlyList<GpuSnapshot> gpus)
    {
        var result = new List<TenantUsage>();
        var acc = new Dictionary<string, (double? Sm, long Memory, int Processes)>(StringComparer.Ordinal);
        var coTenants = t_coTenants ??= new CoTenantCounter();
        foreach (var gpu in gpus)
        {
            acc.Clear();
            coTenants.Count(gpu.Processes);
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
                result.Add(new TenantUsage(tenant, gpu.Identity.Index, sm, memory, processes, coTenants.Of(tenant)));
            }
        }

        return new TenantUsages(result);
    }

    /// <summary>
    /// Counts, for each tenant with processes on one GPU, the other tenants with processes on any partition it is
    /// on. Its tables and sets are reused from GPU to GPU and cycle to cycle: this runs in every collection cycle.
    /// </summary>
    private sealed class CoTenantCounter
    {
        private readonly Dictionary<string, HashSet<string>> _tenantsOfPartition = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (HashSet<string> First, int Partitions)> _partitionsOfTenant = new(StringComparer.Ordinal);
        private readonly Stack<HashSet<string>> _spare = new();
        private readonly HashSet<string> _union = new(StringComparer.Ordinal);

        public void Count(IReadOnlyList<ProcessSnapshot> processes)
        {
            foreach (var set in _tenantsOfPartition.Values)
            {
                set.Clear();
                _spare.Push(set);
            }

            _tenantsOfPartition.Clear();
            _partitionsOfTenant.Clear();
            foreach (var p in processes)
            {
                var tenant = p.Attribution.Tenant;
                if (tenant.Length == 0)
                {
                    continue;
                }

                if (!_tenantsOfPartition.TryGetValue(p.Reading.PartitionId, out var tenants))
                {
                    tenants = _spare.Count > 0 ? _spare.Pop() : new HashSet<string>(StringComparer.Ordinal);
                    _tenantsOfPartition[p.Reading.PartitionId] = tenants;
                }

                if (tenants.Add(tenant))
                {
                    _partitionsOfTenant[tenant] = _partitionsOfTenant.TryGetValue(tenant, out var seen) ? (seen.First, seen.Partitions + 1) : (tenants, 1);
                }
            }
        }

        public int Of(string tenant)
        {
            if (!_partitionsOfTenant.TryGetValue(tenant, out var seen))
            {
                return 0;
            }

            // A tenant on one partition (the common case) has that partition's other tenants; one spread over
            // several has the union of theirs.
            if (seen.Partitions == 1)
            {
                return seen.First.Count - 1;
            }

            _union.Clear();
            foreach (var tenants in _tenantsOfPartition.Values)
            {
                if (tenants.Contains(tenant))
                {
                    _union.UnionWith(tenants);
                }
            }

            return _union.Count - 1;
        }
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
