namespace GpuQos.Model.Attribution;

/// <summary>What the host says about a process, independent of any GPU: its cgroup and its Unix user.</summary>
/// <param name="Cgroup">Container and pod identity from the cgroup path.</param>
/// <param name="User">Unix user name, or the numeric UID when the name is not known; empty when unknown.</param>
public sealed record ProcessFacts(CgroupIdentity Cgroup, string User)
{
    /// <summary>Nothing known.</summary>
    public static ProcessFacts None { get; } = new(CgroupIdentity.None, "");

    /// <summary>
    /// Start time (field 22 of <c>/proc/PID/stat</c>, clock ticks since boot) when these facts were read: the
    /// identity an action acts on, so a PID reused since is a different process and is never signalled.
    /// </summary>
    public long? StartTime { get; init; }

    /// <summary>
    /// The cgroup the freezer acts on: the unified (v2) path when the process has one below the root, else
    /// the v1 freezer hierarchy's path; null when neither names a cgroup below the root.
    /// </summary>
    public string? FreezerCgroup { get; init; }
}
