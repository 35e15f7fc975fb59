using System.Runtime.InteropServices;

namespace GpuQos.Backends.Nvml.Interop;

/// <summary><c>nvmlProcessUtilizationSample_t</c> (32 B): one process's utilization over one driver sample, in percent.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlProcessUtilizationSample
{
    public uint Pid;

    /// <summary>CPU timestamp of the sample in microseconds.</summary>
    public ulong TimeStamp;
    public uint SmUtil;
    public uint MemUtil;
    public uint EncUtil;
    public uint DecUtil;
}
