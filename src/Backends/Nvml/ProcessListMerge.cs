using GpuQos.Backends.Nvml.Interop;
using GpuQos.Model.Devices;

namespace GpuQos.Backends.Nvml;

/// <summary>
/// Merges NVML's compute, graphics and MPS process lists by PID (docs/nvml.md, "Processes come from three lists").
/// </summary>
internal static class ProcessListMerge
{
    /// <summary>NVML's <c>NVML_VALUE_NOT_AVAILABLE</c> in <c>usedGpuMemory</c>: the driver cannot tell.</summary>
    public const ulong MemoryNotAvailable = ulong.MaxValue;

    /// <summary>
    /// The processes of the three lists in the order first seen (compute, graphics, MPS), each once with the set of
    /// its contexts. A list that is null (NOT_SUPPORTED) is no list; null only when all three are.
    /// </summary>
    public static RunningProcess[]? Merge(NvmlProcessInfo[]? compute, NvmlProcessInfo[]? graphics, NvmlProcessInfo[]? mps)
    {
        if (compute is null && graphics is null && mps is null)
        {
            return null;
        }

        var merged = new List<RunningProcess>((compute?.Length ?? 0) + (mps?.Length ?? 0));
        Add(merged, compute, ProcessContexts.Compute);
        Add(merged, graphics, ProcessContexts.Graphics);
        Add(merged, mps, ProcessContexts.MpsClient);
        return [.. merged];
    }

    /// <summary>
    /// Adds one list's entries. A PID already seen gains the context, and its memory is the larger figure:
    /// NVML documents <c>usedGpuMemory</c> as all the memory the process uses, in every list, so the figures are
    /// the same total read at slightly different moments and adding them would count the process twice; the
    /// larger never under-reports what memory policies act on. A figure the driver cannot give
    /// (<c>NVML_VALUE_NOT_AVAILABLE</c>) yields to any known one, and counts as 0 alone. The instance IDs are the
    /// first list's.
    /// </summary>
    private static void Add(List<RunningProcess> merged, NvmlProcessInfo[]? list, ProcessContexts context)
    {
        foreach (var p in list ?? [])
        {
            var memory = p.UsedGpuMemory == MemoryNotAvailable ? 0 : p.UsedGpuMemory;
            var at = merged.FindIndex(m => m.Pid == p.Pid);
            if (at < 0)
            {
                merged.Add(new RunningProcess(p.Pid, memory, p.GpuInstanceId, p.ComputeInstanceId, context));
                continue;
            }

            var known = merged[at];
            merged[at] = known with { UsedGpuMemory = Math.Max(known.UsedGpuMemory, memory), Contexts = known.Contexts | context };
        }
    }
}
