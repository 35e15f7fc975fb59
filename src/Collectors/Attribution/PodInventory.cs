using GpuQos.Collectors.Attribution.Kubelet;
using GpuQos.Model.Attribution;

namespace GpuQos.Collectors.Attribution;

/// <summary>
/// An immutable view of the node's pods, built off the collection path by <see cref="AttributionRefresher"/>,
/// that answers "which pod and container is this process in". Matching, in order:
/// <list type="number">
/// <item>pod UID from the cgroup → namespace and name from the pod log directory; the container is the one of
/// that pod the kubelet assigned this GPU/MIG device to, else the pod's only container;</item>
/// <item>otherwise, for a containerised process (or one whose cgroup is unknown), the device: when exactly
/// one container on the node holds the process's MIG UUID or GPU UUID, it is that container. Time-slicing
/// replicas (<c>GPU-…::N</c>) share a UUID, so several containers hold it and nothing is guessed;</item>
/// <item>otherwise only the cgroup's container ID and pod UID are known.</item>
/// </list>
/// </summary>
public sealed class PodInventory
{
    private readonly Dictionary<string, PodLogEntry> _byUid;
    private readonly Dictionary<(string Namespace, string Name), KubeletPod> _byName;
    private readonly Dictionary<string, List<(KubeletPod Pod, KubeletContainer Container)>> _byDevice;
    private readonly HashSet<string> _allocatable;

    private readonly PodResourcesListing? _listing;
    private readonly IReadOnlyList<PodLogEntry> _podLogs;

    public PodInventory(PodResourcesListing? listing, IReadOnlyList<PodLogEntry> podLogs)
    {
        (_listing, _podLogs) = (listing, podLogs);
        _byUid = podLogs.GroupBy(p => p.Uid, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var pods = listing?.Pods ?? [];
        _byName = pods.GroupBy(p => (p.Namespace, p.Name)).ToDictionary(g => g.Key, g => g.First());
        _byDevice = new Dictionary<string, List<(KubeletPod, KubeletContainer)>>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            foreach (var container in pod.Containers)
            {
                foreach (var key in container.DeviceIds.Select(DeviceKey).Distinct(StringComparer.Ordinal))
                {
                    if (!_byDevice.TryGetValue(key, out var holders))
                    {
                        _byDevice[key] = holders = [];
                    }

                    holders.Add((pod, container));
                }
            }
        }

        _allocatable = (listing?.AllocatableDeviceIds ?? []).Select(DeviceKey).ToHashSet(StringComparer.Ordinal);
        PodCount = pods.Count;
    }

    /// <summary>
    /// Whether this inventory was built from the same kubelet answer and the same pod log directories: then a new
    /// one would resolve every process as this one does, and keeping it keeps every remembered attribution valid
    /// (<see cref="TenantAttributor"/> remembers answers per inventory).
    /// </summary>
    public bool IsFrom(PodResourcesListing? listing, IReadOnlyList<PodLogEntry> podLogs)
    {
        if (!ReferenceEquals(listing, _listing) || podLogs.Count != _podLogs.Count)
        {
            return false;
        }

        for (var i = 0; i < podLogs.Count; i++)
        {
            var (a, b) = (podLogs[i], _podLogs[i]);
            if (a.Namespace != b.Namespace || a.Name != b.Name || a.Uid != b.Uid || !a.Containers.SequenceEqual(b.Containers, StringComparer.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>No pods known.</summary>
    public static PodInventory Empty { get; } = new(null, []);

    /// <summary>Pods the kubelet listed.</summary>
    public int PodCount { get; }

    /// <summary>Finds the pod of a process with <paramref name="cgroup"/> that uses the devices <paramref name="deviceIds"/>.</summary>
    public PodMatch Resolve(CgroupIdentity cgroup, IReadOnlyList<string> deviceIds)
    {
        if (cgroup.PodUid.Length > 0 && _byUid.TryGetValue(cgroup.PodUid, out var named))
        {
            var container = "";
            if (_byName.TryGetValue((named.Namespace, named.Name), out var pod))
            {
                container = HolderOf(pod, deviceIds) ?? (pod.Containers.Count == 1 ? pod.Containers[0].Name : "");
            }
            else if (named.Containers.Count == 1)
            {
                container = named.Containers[0];
            }

            return new PodMatch(named.Namespace, named.Name, container, PodMatchKind.PodUid);
        }

        // A process whose cgroup says it is on the host (a user session, a system service) is not a pod's,
        // even if a pod holds the same GPU.
        var maybeInPod = cgroup.InContainer || cgroup.Path.Length == 0;
        if (maybeInPod)
        {
            var holders = deviceIds
                .Where(id => _allocatable.Count == 0 || _allocatable.Contains(id))
                .SelectMany(id => _byDevice.GetValueOrDefault(id) ?? [])
                .Distinct()
                .ToArray();
            if (holders.Length == 1)
            {
                return new PodMatch(holders[0].Pod.Namespace, holders[0].Pod.Name, holders[0].Container.Name, PodMatchKind.Device);
            }
        }

        return new PodMatch("", "", "", cgroup.InContainer ? PodMatchKind.Cgroup : PodMatchKind.None);
    }

    /// <summary>The one container of <paramref name="pod"/> that holds one of <paramref name="deviceIds"/>; null when none or several do.</summary>
    private string? HolderOf(KubeletPod pod, IReadOnlyList<string> deviceIds)
    {
        string? holder = null;
        foreach (var id in deviceIds)
        {
            foreach (var (holderPod, container) in _byDevice.GetValueOrDefault(id) ?? [])
            {
                if (ReferenceEquals(holderPod, pod))
                {
                    if (holder is not null && holder != container.Name)
                    {
                        return null;
                    }

                    holder = container.Name;
                }
            }
        }

        return holder;
    }

    /// <summary>
    /// The NVIDIA device plugin advertises time-slicing and MPS replicas as <c>&lt;uuid&gt;::&lt;n&gt;</c>;
    /// all replicas are the same device.
    /// </summary>
    public static string DeviceKey(string deviceId)
    {
        var sep = deviceId.LastIndexOf("::", StringComparison.Ordinal);
        return sep > 0 && deviceId.AsSpan(sep + 2).IndexOfAnyExceptInRange('0', '9') < 0 && sep + 2 < deviceId.Length ? deviceId[..sep] : deviceId;
    }
}
