namespace GpuQos.Model.Attribution;

/// <summary>How a process was matched to a pod (the <c>match</c> label of <c>gpuqos_process_attribution_info</c>).</summary>
public static class PodMatchKind
{
    /// <summary>The cgroup's pod UID, named through the kubelet's pod log directory.</summary>
    public const string PodUid = "pod-uid";

    /// <summary>The only container the kubelet assigned the process's GPU or MIG device to.</summary>
    public const string Device = "device";

    /// <summary>Only the cgroup is known: container ID and pod UID, no names.</summary>
    public const string Cgroup = "cgroup";

    /// <summary>Nothing is known.</summary>
    public const string None = "none";
}

/// <summary>The pod a process belongs to, and how that was found.</summary>
public sealed record PodMatch(string Namespace, string Pod, string Container, string Kind);
