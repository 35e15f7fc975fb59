using System.Runtime.InteropServices;

namespace GpuQos.Backends.Nvml.Interop;

/// <summary><c>nvmlGpuInstancePlacement_t</c> (8 B): first memory slice and size in slices.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlGpuInstancePlacement
{
    public uint Start;
    public uint Size;
}
