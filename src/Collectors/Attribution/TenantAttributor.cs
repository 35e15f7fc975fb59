using GpuQos.Collectors.Model;

namespace GpuQos.Collectors.Attribution;

/// <summary>
/// Attributes processes and partitions from cached facts: cgroup → container and pod, the kubelet's pods →
/// names, tenant selectors → tenant. Does no I/O, so it is safe on the collection path.
/// </summary>
public sealed class TenantAttributor(AttributionState state, TenantCatalog tenants) : IProcessAttributor
{
    /// <inheritdoc />
    public ProcessAttribution Attribute(GpuIdentity gpu, ProcessReading process, PartitionReading? partition)
    {
        // The simulated host (and any backend that knows them) hands over the cgroup and user; otherwise
        // they come from procfs through the refresher's cache.
        var facts = process.CgroupPath is { } path
            ? new ProcessFacts(state.Parse(path), process.User ?? "")
            : state.FactsOf(process.Pid) ?? new ProcessFacts(CgroupIdentity.None, process.User ?? "");
        var pod = state.Inventory.Resolve(facts.Cgroup, DeviceIds(gpu, partition));
        var tenant = tenants.Match(new AttributionSubject
        {
            Namespace = pod.Namespace,
            Pod = pod.Pod,
            Container = pod.Container,
            Cgroup = facts.Cgroup.Path,
            MigUuid = partition?.Uuid ?? "",
            Vm = partition?.VmId ?? "",
            User = facts.User,
            Process = process.Name,
        });
        return new ProcessAttribution(pod.Container, pod.Pod, pod.Namespace, tenant)
        {
            ContainerId = facts.Cgroup.ContainerId,
            PodUid = facts.Cgroup.PodUid,
            Runtime = facts.Cgroup.Runtime,
            Match = pod.Kind,
        };
    }

    /// <inheritdoc />
    public string TenantOf(GpuIdentity gpu, PartitionReading partition) =>
        partition.Kind is PartitionKind.Mig or PartitionKind.Vgpu
            ? tenants.Match(new AttributionSubject { MigUuid = partition.Uuid ?? "", Vm = partition.VmId ?? "" })
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
}
