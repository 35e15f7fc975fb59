using System.Runtime.InteropServices;

namespace GpuQos.Backends.Nvml.Interop;

/// <summary><c>nvmlMemory_v2_t</c> (40 B): total includes the driver's reserved memory; used does not.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlMemoryV2
{
    /// <summary><c>nvmlMemory_v2</c>: the struct's size with version 2 in the top byte.</summary>
    public const uint Version2 = 40 | (2u << 24);

    public uint Version;
    public ulong Total;
    public ulong Reserved;
    public ulong Free;
    public ulong Used;
}
