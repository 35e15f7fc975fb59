using System.Collections.Concurrent;
using GpuQos.Collectors.Attribution;
using GpuQos.Collectors.Model;

namespace GpuQos.Benchmarks;

/// <summary>
/// The fleet-scale host's processes are named after their tenant (<c>tenant17-infer</c>). Answers are cached
/// by name, as the daemon's attributor caches its answers, so that a steady host costs no allocation here.
/// </summary>
internal sealed class ProcessNameAttributor : IProcessAttributor
{
    private readonly ConcurrentDictionary<string, ProcessAttribution> _byName = new(StringComparer.Ordinal);

    public ProcessAttribution Attribute(GpuIdentity gpu, ProcessReading process, PartitionReading? partition) =>
        _byName.GetOrAdd(process.Name, static name =>
        {
            var dash = name.LastIndexOf('-');
            return new("", "", "", dash > 0 ? name[..dash] : "");
        });

    public string TenantOf(GpuIdentity gpu, PartitionReading partition) => "";
}
