namespace GpuQos.Model.Attribution;

/// <summary>What a process's cgroup path says about it. Empty strings mean "not in the path".</summary>
/// <param name="Path">The cgroup path the identity was read from (the v2 path, or the chosen v1 hierarchy's).</param>
/// <param name="ContainerId">Full container ID (64 hex digits).</param>
/// <param name="PodUid">Kubernetes pod UID, with dashes (<c>7f3c2a10-51aa-…</c>), or a static pod's 32-digit hash.</param>
/// <param name="Runtime">Container runtime the path format names: <c>containerd</c>, <c>cri-o</c>, <c>docker</c>, <c>podman</c>, or empty.</param>
public sealed record CgroupIdentity(string Path, string ContainerId, string PodUid, string Runtime)
{
    /// <summary>Nothing known.</summary>
    public static CgroupIdentity None { get; } = new("", "", "", "");

    /// <summary>True when the path places the process in a container or a pod.</summary>
    public bool InContainer => ContainerId.Length > 0 || PodUid.Length > 0;

    /// <summary>The first 12 digits of the container ID, as <c>docker ps</c> and <c>crictl ps</c> show it.</summary>
    public string ShortContainerId => ContainerId.Length > 12 ? ContainerId[..12] : ContainerId;
}
