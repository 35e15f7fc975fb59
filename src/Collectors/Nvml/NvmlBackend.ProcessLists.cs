using GpuQos.Collectors.Model;
using GpuQos.Collectors.Nvml.Interop;

namespace GpuQos.Collectors.Nvml;

/// <summary>
/// Process discovery as NVML offers it: three lists, merged by PID. NVML names a process in the list of each
/// context it holds: the compute list (CUDA contexts, the MPS server's among them), the graphics list, and the
/// MPS list (MPS clients, which hold no compute context of their own; some drivers list them as compute too).
/// Reading only the compute list misses every MPS client on a host that follows NVML's documentation.
/// </summary>
public sealed partial class NvmlBackend
{
    private const string ComputeList = "nvmlDeviceGetComputeRunningProcesses_v3";
    private const string GraphicsList = "nvmlDeviceGetGraphicsRunningProcesses_v3";
    private const string MpsList = "nvmlDeviceGetMPSComputeRunningProcesses_v3";

    /// <summary>NVML's <c>NVML_VALUE_NOT_AVAILABLE</c> in <c>usedGpuMemory</c>: the driver cannot tell.</summary>
    private const ulong MemoryNotAvailable = ulong.MaxValue;

    /// <summary>
    /// The processes of the three lists, merged by PID in the order first seen (compute, graphics, MPS). A list
    /// that is NOT_SUPPORTED (pre-Volta GPUs have no MPS list) is no list: the others stand. Null only when all
    /// three are unsupported.
    /// </summary>
    private static unsafe RunningProcess[]? RunningProcesses(NvmlGpu g)
    {
        var compute = List<NvmlProcessInfo>(g, ComputeList,
            (ref uint count, NvmlProcessInfo* buffer) => NvmlNative.nvmlDeviceGetComputeRunningProcesses_v3(g.Handle, ref count, buffer));
        var graphics = List<NvmlProcessInfo>(g, GraphicsList,
            (ref uint count, NvmlProcessInfo* buffer) => NvmlNative.nvmlDeviceGetGraphicsRunningProcesses_v3(g.Handle, ref count, buffer));
        var mps = List<NvmlProcessInfo>(g, MpsList,
            (ref uint count, NvmlProcessInfo* buffer) => NvmlNative.nvmlDeviceGetMPSComputeRunningProcesses_v3(g.Handle, ref count, buffer));
        if (compute is null && graphics is null && mps is null)
        {
            return null;
        }

        var merged = new List<RunningProcess>((compute?.Length ?? 0) + (mps?.Length ?? 0));
        Merge(merged, compute, ProcessContexts.Compute);
        Merge(merged, graphics, ProcessContexts.Graphics);
        Merge(merged, mps, ProcessContexts.MpsClient);
        return [.. merged];
    }

    /// <summary>
    /// Adds one list's entries. A PID already seen gains the context, and its memory is the larger figure:
    /// NVML documents <c>usedGpuMemory</c> as all the memory the process uses, in every list, so the figures are
    /// the same total read at slightly different moments and adding them would count the process twice; the
    /// larger never under-reports what memory policies act on. A figure the driver cannot give
    /// (<c>NVML_VALUE_NOT_AVAILABLE</c>) yields to any known one, and counts as 0 alone.
    /// </summary>
    private static void Merge(List<RunningProcess> merged, NvmlProcessInfo[]? list, ProcessContexts context)
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
