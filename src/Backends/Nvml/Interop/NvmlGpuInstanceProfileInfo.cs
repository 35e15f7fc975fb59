using System.Runtime.InteropServices;

namespace GpuQos.Backends.Nvml.Interop;

/// <summary><c>nvmlGpuInstanceProfileInfo_t</c> (48 B, ends with a 64-bit memory size at offset 40).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlGpuInstanceProfileInfo
{
    /// <summary>The profile ID NVML reports (nvidia-smi's ID), not the enum passed in.</summary>
    public uint Id;
    public uint IsP2pSupported;
    public uint SliceCount;
    public uint InstanceCount;
    public uint MultiprocessorCount;
    public uint CopyEngineCount;
    public uint DecoderCount;
    public uint EncoderCount;
    public uint JpegCount;
    public uint OfaCount;
    public ulong MemorySizeMB;
}
