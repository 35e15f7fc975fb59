using System.Runtime.InteropServices;

namespace GpuQos.Backends.Nvml.Interop;

/// <summary><c>nvmlProcessInfo_t</c> (24 B) of the compute, graphics and MPS <c>…RunningProcesses_v3</c> lists.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlProcessInfo
{
    /// <summary>The instance IDs outside MIG.</summary>
    public const uint NoInstance = 0xFFFFFFFF;

    public uint Pid;
    public ulong UsedGpuMemory;
    public uint GpuInstanceId;
    public uint ComputeInstanceId;
}
