using GpuQos.Backends.Nvml.Interop;

namespace GpuQos.Backends.Nvml;

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
        return ProcessListMerge.Merge(compute, graphics, mps);
    }
}
