using System.Runtime.InteropServices;

namespace GpuQos.Backends.Nvml.Interop;

/// <summary>
/// <c>nvmlVgpuInstanceUtilizationSample_t</c> (48 B). The four values are <c>nvmlValue_t</c> unions (8 B each),
/// kept as raw 64-bit words and decoded by the value type the call returns.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlVgpuInstanceUtilizationSample
{
    public uint VgpuInstance;
    public ulong TimeStamp;
    public ulong SmUtil;
    public ulong MemUtil;
    public ulong EncUtil;
    public ulong DecUtil;
}
