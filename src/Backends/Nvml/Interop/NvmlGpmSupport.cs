using System.Runtime.InteropServices;

namespace GpuQos.Backends.Nvml.Interop;

/// <summary><c>nvmlGpmSupport_t</c> (8 B).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlGpmSupport
{
    /// <summary><c>NVML_GPM_SUPPORT_VERSION</c>.</summary>
    public const uint Version1 = 1;

    public uint Version;
    public uint IsSupportedDevice;
}
