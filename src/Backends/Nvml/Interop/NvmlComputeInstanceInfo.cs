using System.Runtime.InteropServices;

namespace GpuQos.Backends.Nvml.Interop;

/// <summary><c>nvmlComputeInstanceInfo_t</c> (32 B), filled by <c>nvmlComputeInstanceGetInfo_v2</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlComputeInstanceInfo
{
    public nint Device;
    public nint GpuInstance;
    public uint Id;
    public uint ProfileId;

    /// <summary>Placement in compute slices within the GPU instance.</summary>
    public NvmlGpuInstancePlacement Placement;
}
