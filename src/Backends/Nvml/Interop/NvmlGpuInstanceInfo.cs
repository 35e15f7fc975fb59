using System.Runtime.InteropServices;

namespace GpuQos.Backends.Nvml.Interop;

/// <summary><c>nvmlGpuInstanceInfo_t</c> (24 B).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlGpuInstanceInfo
{
    public nint Device;
    public uint Id;
    public uint ProfileId;
    public NvmlGpuInstancePlacement Placement;
}
