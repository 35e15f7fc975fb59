using GpuQos.Model.Devices;

namespace GpuQos.Model.Attribution;

/// <summary>Who a GPU process belongs to. Empty strings mean "not known".</summary>
/// <param name="Container">Container name, from the kubelet.</param>
/// <param name="Pod">Pod name.</param>
/// <param name="Namespace">Kubernetes namespace.</param>
/// <param name="Tenant">Tenant that claims the process.</param>
public sealed record ProcessAttribution(string Container, string Pod, string Namespace, string Tenant)
{
    /// <summary>Nothing known.</summary>
    public static ProcessAttribution Unknown { get; } = new("", "", "", "");

    /// <summary>Container ID from the cgroup path (64 hex digits).</summary>
    public string ContainerId { get; init; } = "";

    /// <summary>Pod UID from the cgroup path.</summary>
    public string PodUid { get; init; } = "";

    /// <summary>Container runtime the cgroup path names.</summary>
    public string Runtime { get; init; } = "";

    /// <summary>How the pod was found (<see cref="PodMatchKind"/>).</summary>
    public string Match { get; init; } = PodMatchKind.None;

    /// <summary>
    /// The process's start time (clock ticks since boot) as procfs gave it with the facts attributed here: the
    /// identity the enforcer acts on. Null where it is not known (the simulated host, attribution off).
    /// </summary>
    public long? StartTime { get; init; }

    /// <summary>The cgroup the <c>freeze</c> action acts on (<see cref="ProcessFacts.FreezerCgroup"/>); null where none is known.</summary>
    public string? FreezerCgroup { get; init; }
}

/// <summary>
/// Maps processes and partitions to containers, pods and tenants. Implementations answer from caches that
/// are refreshed off the collection path, so attribution never slows a cycle or a scrape.
/// </summary>
public interface IProcessAttributor
{
    /// <summary>Attribution for a process on a GPU.</summary>
    ProcessAttribution Attribute(GpuIdentity gpu, ProcessReading process, PartitionReading? partition);

    /// <summary>Tenant that owns a partition (a MIG instance or a VM), or empty when none does.</summary>
    string TenantOf(GpuIdentity gpu, PartitionReading partition);
}

/// <summary>Attributes nothing. Used when attribution is turned off.</summary>
public sealed class NoAttribution : IProcessAttributor
{
    public ProcessAttribution Attribute(GpuIdentity gpu, ProcessReading process, PartitionReading? partition) => ProcessAttribution.Unknown;

    public string TenantOf(GpuIdentity gpu, PartitionReading partition) => "";
}
