using System.Collections.Concurrent;
using GpuQos.Model.Attribution;
using GpuQos.Model.Devices;

namespace GpuQos.Collectors.Attribution;

/// <summary>
/// Attributes processes and partitions from cached facts: cgroup → container and pod, the kubelet's pods →
/// names, tenant selectors → tenant. Does no I/O, so it is safe on the collection path; a process whose
/// facts, partition, the pod list and the tenant catalogue are unchanged since the last cycle gets its
/// previous answer back. The catalogue comes from a <see cref="TenantCatalogSwitch"/>, so a configuration
/// reload changes the tenants from the next cycle on.
/// </summary>
public sealed class TenantAttributor(AttributionState state, TenantCatalogSwitch tenants) : IProcessAttributor
{
    private const int MaxRemembered = 65_536;

    /// <summary>An attributor whose tenants never change.</summary>
    public TenantAttributor(AttributionState state, TenantCatalog tenants)
        : this(state, new TenantCatalogSwitch(tenants))
    {
    }

    private readonly ConcurrentDictionary<(int Gpu, int Pid), Remembered> _remembered = new();

    /// <inheritdoc />
    public ProcessAttribution Attribute(GpuIdentity gpu, ProcessReading process, PartitionReading? partition)
    {
        // The simulated host (and any backend that knows them) hands over the cgroup and user; otherwise
        // they come from procfs through the refresher's cache.
        CgroupIdentity cgroup;
        string user;
        long? startTime = null;
        string? freezer;
        if (process.CgroupPath is { } path)
        {
            (cgroup, user, freezer) = (state.Parse(path), process.User ?? "", path);
        }
        else
        {
            // A user the backend reports wins: the refresher's facts for a PID procfs cannot show (a simulated
            // workload, a process in another PID namespace) carry an empty user, which must not hide it.
            var facts = state.FactsOf(process.Pid);
            cgroup = facts?.Cgroup ?? CgroupIdentity.None;
            user = process.User is { Length: > 0 } reported ? reported : facts?.User ?? "";
            (startTime, freezer) = (facts?.StartTime, facts?.FreezerCgroup);
        }

        var inventory = state.Inventory;
        var catalog = tenants.Current;
        var key = (gpu.Index, process.Pid);
        if (_remembered.TryGetValue(key, out var last) && last.Matches(cgroup, user, process.Name, partition, inventory, catalog) && last.Result.StartTime == startTime && last.Result.FreezerCgroup == freezer)
        {
            return last.Result;
        }

        var pod = inventory.Resolve(cgroup, DeviceIds(gpu, partition));
        var tenant = catalog.Match(new AttributionSubject
        {
            Namespace = pod.Namespace,
            Pod = pod.Pod,
            Container = pod.Container,
            Cgroup = cgroup.Path,
            MigUuid = partition?.Uuid ?? "",
            Vm = partition?.VmId ?? "",
            User = user,
            Process = process.Name,
        });
        var result = new ProcessAttribution(pod.Container, pod.Pod, pod.Namespace, tenant)
        {
            ContainerId = cgroup.ContainerId,
            PodUid = cgroup.PodUid,
            Runtime = cgroup.Runtime,
            Match = pod.Kind,
            StartTime = startTime,
            FreezerCgroup = freezer,
        };

        if (_remembered.Count >= MaxRemembered)
        {
            // PIDs of exited processes pile up otherwise; starting over costs one cycle of fresh matching.
            _remembered.Clear();
        }

        _remembered[key] = new Remembered(cgroup, user, process.Name, partition?.Id, partition?.Uuid, partition?.VmId, inventory, catalog, result);
        return result;
    }

    /// <inheritdoc />
    public string TenantOf(GpuIdentity gpu, PartitionReading partition) =>
        partition.Kind is PartitionKind.Mig or PartitionKind.Vgpu
            ? tenants.Current.Match(new AttributionSubject { MigUuid = partition.Uuid ?? "", Vm = partition.VmId ?? "" })
            : "";

    /// <summary>
    /// The device IDs the kubelet would have assigned for this process: the MIG device UUID (and the older
    /// <c>MIG-&lt;GPU UUID&gt;/&lt;gi&gt;/&lt;ci&gt;</c> form) inside a MIG instance, else the GPU UUID.
    /// </summary>
    public static IReadOnlyList<string> DeviceIds(GpuIdentity gpu, PartitionReading? partition)
    {
        if (partition is { Kind: PartitionKind.Mig })
        {
            var ids = new List<string>(2);
            if (partition.Uuid is { } uuid)
            {
                ids.Add(uuid);
            }

            if (partition.GpuInstanceId is { } gi && partition.ComputeInstanceId is { } ci)
            {
                ids.Add(FormattableString.Invariant($"MIG-{gpu.Uuid}/{gi}/{ci}"));
            }

            return ids;
        }

        return [gpu.Uuid];
    }

    /// <summary>The inputs of the last answer for a process, and the answer.</summary>
    private sealed record Remembered(
        CgroupIdentity Cgroup, string User, string Name, string? PartitionId, string? PartitionUuid, string? Vm, PodInventory Inventory, TenantCatalog Catalog, ProcessAttribution Result)
    {
        public bool Matches(CgroupIdentity cgroup, string user, string name, PartitionReading? partition, PodInventory inventory, TenantCatalog catalog) =>
            ReferenceEquals(Inventory, inventory)
            && ReferenceEquals(Catalog, catalog)
            && Cgroup.Equals(cgroup)
            && User == user
            && Name == name
            && PartitionId == partition?.Id
            && PartitionUuid == partition?.Uuid
            && Vm == partition?.VmId;
    }
}
