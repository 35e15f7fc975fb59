using GpuQos.Model.Devices;
using GpuQos.Model.Snapshots;

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
    // Reused by every aggregation on the thread (the collection loop's, cycle after cycle), so a cycle allocates
    // only the usages it returns.
    [ThreadStatic]
    private static Workspace? t_workspace;

    /// <summary>Per-tenant usage of each GPU, ordered by GPU, then tenant name.</summary>
    public static IReadOnlyList<TenantUsage> Aggregate(IReadOnlyList<GpuSnapshot> gpus)
    {
        var work = t_workspace ??= new Workspace();
        work.Result.Clear();
        foreach (var gpu in gpus)
        {
            work.Sums.Clear();
            work.CoTenants.Count(gpu.Processes);
            var mode = gpu.Mode;
            var migSms = 0;
            foreach (var p in gpu.Partitions)
            {
                if (p.Reading.Kind == PartitionKind.Mig)
                {
                    migSms += p.Reading.SmCount ?? 0;
                }
            }

            foreach (var p in gpu.Partitions)
            {
                if (p.Tenant.Length == 0 || p.Reading.Kind is PartitionKind.Shared or PartitionKind.Exclusive)
                {
                    continue;
                }

                double? share = p.Reading.SmUtilization is { } u
                    ? (p.Reading.Kind == PartitionKind.Mig ? u * (p.Reading.SmCount ?? 0) / Math.Max(1, migSms) : u)
                    : null;
                work.Sums.Add(p.Tenant, share, Math.Max(0, (p.Reading.MemoryUsedBytes ?? 0) - ForeignMemory(gpu, p)), 0);
            }

            foreach (var proc in gpu.Processes)
            {
                var tenant = proc.Attribution.Tenant;
                if (tenant.Length == 0)
                {
                    continue;
                }

                // Partition-level usage already counts MIG and vGPU processes' SM time and memory.
                var inOwnedPartition = proc.Partition is { Kind: PartitionKind.Mig or PartitionKind.Vgpu } && Owns(gpu, proc.Partition.Id, tenant);
                var sm = mode is SharingMode.TimeSliced or SharingMode.Exclusive ? proc.Reading.SmUtilization : null;
                work.Sums.Add(tenant, inOwnedPartition ? null : sm, inOwnedPartition ? 0 : proc.Reading.UsedMemoryBytes, 1);
            }

            foreach (var (tenant, sm, memory, processes) in work.Sums.Sorted())
            {
                work.Result.Add(new TenantUsage(tenant, gpu.Identity.Index, sm, memory, processes, work.CoTenants.Of(tenant)));
            }
        }

        return TenantUsages.Wrap([.. work.Result]);
    }

    /// <summary>
    /// Memory of other tenants' processes inside a partition: they are charged their own memory, so it comes out
    /// of the owner's and nothing is counted twice. Their SM time cannot be split off (NVML has no per-process
    /// utilization inside MIG), so it stays with the owner.
    /// </summary>
    private static long ForeignMemory(GpuSnapshot gpu, PartitionSnapshot partition)
    {
        long sum = 0;
        foreach (var proc in gpu.Processes)
        {
            var tenant = proc.Attribution.Tenant;
            if (proc.Partition?.Id == partition.Reading.Id && tenant.Length > 0 && tenant != partition.Tenant)
            {
                sum += proc.Reading.UsedMemoryBytes;
            }
        }

        return sum;
    }

    private static bool Owns(GpuSnapshot gpu, string partitionId, string tenant)
    {
        foreach (var p in gpu.Partitions)
        {
            if (p.Reading.Id == partitionId && p.Tenant == tenant)
            {
                return true;
            }
        }

        return false;
    }

    private sealed class Workspace
    {
        public readonly List<TenantUsage> Result = [];
        public readonly TenantSums Sums = new();
        public readonly CoTenantCounter CoTenants = new();
    }

    /// <summary>One GPU's running sums per tenant, in tables reused from GPU to GPU.</summary>
    private sealed class TenantSums
    {
        private static readonly Comparison<Sum> ByTenant = (a, b) => string.CompareOrdinal(a.Tenant, b.Tenant);
        private readonly Dictionary<string, int> _slot = new(StringComparer.Ordinal);
        private readonly List<Sum> _sums = [];

        public void Clear()
        {
            _slot.Clear();
            _sums.Clear();
        }

        public void Add(string tenant, double? sm, long memory, int processes)
        {
            if (!_slot.TryGetValue(tenant, out var i))
            {
                i = _sums.Count;
                _slot[tenant] = i;
                _sums.Add(new Sum(tenant, null, 0, 0));
            }

            var current = _sums[i];
            var total = (current.Sm, sm) switch
            {
                (null, null) => (double?)null,
                _ => (current.Sm ?? 0) + (sm ?? 0),
            };
            _sums[i] = new Sum(tenant, total, current.Memory + memory, current.Processes + processes);
        }

        /// <summary>The sums by tenant name (ordinal); the slots are invalid afterwards until <see cref="Clear"/>.</summary>
        public List<Sum> Sorted()
        {
            _sums.Sort(ByTenant);
            return _sums;
        }
    }

    private readonly record struct Sum(string Tenant, double? Sm, long Memory, int Processes);

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
}
