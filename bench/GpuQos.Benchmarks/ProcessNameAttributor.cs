using GpuQos.Collectors.Attribution;
using GpuQos.Collectors.Model;

namespace GpuQos.Benchmarks;

/// <summary>The fleet-scale host's processes are named after their tenant (<c>tenant17-infer</c>).</summary>
internal sealed class ProcessNameAttributor : IProcessAttributor
{
    public ProcessAttribution Attribute(GpuIdentity gpu, ProcessReading process, PartitionReading? partition)
    {
        var dash = process.Name.LastIndexOf('-');
        return new("", "", "", dash > 0 ? process.Name[..dash] : "");
    }

    public string TenantOf(GpuIdentity gpu, PartitionReading partition) => "";
}
