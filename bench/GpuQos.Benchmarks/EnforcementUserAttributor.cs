using GpuQos.Collectors.Attribution;
using GpuQos.Collectors.Model;

namespace GpuQos.Benchmarks;

/// <summary>The benchmark's processes carry their tenant as their user.</summary>
internal sealed class EnforcementUserAttributor : IProcessAttributor
{
    public ProcessAttribution Attribute(GpuIdentity gpu, ProcessReading process, PartitionReading? partition) => new("", "", "", process.User ?? "");

    public string TenantOf(GpuIdentity gpu, PartitionReading partition) => "";
}
