namespace GpuQos.Collectors.Attribution;

/// <summary>What the host says about a process, independent of any GPU: its cgroup and its Unix user.</summary>
/// <param name="Cgroup">Container and pod identity from the cgroup path.</param>
/// <param name="User">Unix user name, or the numeric UID when the name is not known; empty when unknown.</param>
public sealed record ProcessFacts(CgroupIdentity Cgroup, string User)
{
    /// <summary>Nothing known.</summary>
    public static ProcessFacts None { get; } = new(CgroupIdentity.None, "");
}
