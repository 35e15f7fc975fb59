using System.Runtime.InteropServices;

namespace GpuQos.Backends.Nvml.Interop;

/// <summary>
/// <c>nvmlVgpuSchedulerGetState_t</c> (16 B). The last 8 bytes are the <c>nvmlVgpuSchedulerParams_t</c> union:
/// <c>{avgFactor, timeslice}</c> with adaptive round robin, <c>{timeslice}</c> without. Time slices are in ns.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlVgpuSchedulerGetState
{
    public uint SchedulerPolicy;
    public uint ArrMode;
    public uint Params0;
    public uint Params1;

    /// <summary>The time slice in ns, wherever the union keeps it for the current mode.</summary>
    public readonly uint TimesliceNs => ArrMode == NvmlVgpuSchedulerSetState.ArrEnabled ? Params1 : Params0;
}
