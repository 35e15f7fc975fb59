using System.Runtime.InteropServices;

namespace GpuQos.Backends.Nvml.Interop;

/// <summary><c>nvmlEventData_t</c> (32 B). For XID events, <see cref="EventData"/> is the XID.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlEventData
{
    /// <summary><c>nvmlEventTypeXidCriticalError</c>.</summary>
    public const ulong XidCriticalError = 0x8;

    public nint Device;
    public ulong EventType;
    public ulong EventData;
    public uint GpuInstanceId;
    public uint ComputeInstanceId;
}
