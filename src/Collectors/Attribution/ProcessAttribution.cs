using GpuQos.Collectors.Model;

namespace GpuQos.Collectors.Attribution;

/// <summary>Who a GPU process belongs to. Empty strings mean "not known".</summary>
public sealed record ProcessAttribution(string Container, string Pod, string Namespace, string Tenant)
{
    /// <summary>Nothing known.</summary>
    public static ProcessAttribution Unknown { get; } = new("", "", "", "");
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
