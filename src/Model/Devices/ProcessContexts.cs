namespace GpuQos.Model.Devices;

/// <summary>
/// The kinds of context a process holds on a GPU: which of NVML's process lists name it. A process can hold
/// several (a CUDA application that also renders), so this is a set.
/// </summary>
[Flags]
public enum ProcessContexts
{
    /// <summary>No context known.</summary>
    None = 0,

    /// <summary>A compute (CUDA) context: <c>nvmlDeviceGetComputeRunningProcesses</c>. The MPS server holds one.</summary>
    Compute = 1,

    /// <summary>A graphics (OpenGL, Vulkan) context: <c>nvmlDeviceGetGraphicsRunningProcesses</c>.</summary>
    Graphics = 2,

    /// <summary>An MPS client's compute context, through the MPS server: <c>nvmlDeviceGetMPSComputeRunningProcesses</c>.</summary>
    MpsClient = 4,
}
