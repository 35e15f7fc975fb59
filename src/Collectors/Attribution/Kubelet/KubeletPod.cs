namespace GpuQos.Collectors.Attribution.Kubelet;

/// <summary>A pod as the kubelet's PodResources API lists it.</summary>
public sealed record KubeletPod(string Namespace, string Name, IReadOnlyList<KubeletContainer> Containers);

/// <summary>A container and the device IDs the kubelet assigned to it (GPU or MIG UUIDs for <c>nvidia.com/*</c>).</summary>
public sealed record KubeletContainer(string Name, IReadOnlyList<string> DeviceIds);

/// <summary>A pod as the kubelet's pod log directory names it: <c>/var/log/pods/&lt;namespace&gt;_&lt;name&gt;_&lt;uid&gt;/&lt;container&gt;/</c>.</summary>
public sealed record PodLogEntry(string Namespace, string Name, string Uid, IReadOnlyList<string> Containers);

/// <summary>What a PodResources refresh returned.</summary>
/// <param name="Pods">Pods with their containers' device assignments (<c>List</c>).</param>
/// <param name="AllocatableDeviceIds">Device IDs the kubelet can hand out (<c>GetAllocatableResources</c>).</param>
public sealed record PodResourcesListing(IReadOnlyList<KubeletPod> Pods, IReadOnlyList<string> AllocatableDeviceIds)
{
    /// <summary>
    /// Whether <paramref name="other"/> lists the same pods, containers and device assignments in the same order: the
    /// kubelet answers every refresh with a new listing, usually the same as the last.
    /// </summary>
    public bool SameAs(PodResourcesListing? other) =>
        other is not null
        && AllocatableDeviceIds.SequenceEqual(other.AllocatableDeviceIds, StringComparer.Ordinal)
        && Pods.Count == other.Pods.Count
        && Pods.Zip(other.Pods).All(p =>
            p.First.Namespace == p.Second.Namespace
            && p.First.Name == p.Second.Name
            && p.First.Containers.Count == p.Second.Containers.Count
            && p.First.Containers.Zip(p.Second.Containers).All(c =>
                c.First.Name == c.Second.Name && c.First.DeviceIds.SequenceEqual(c.Second.DeviceIds, StringComparer.Ordinal)));
}
