using System.Runtime.InteropServices;

namespace GpuQos.Backends.Nvml.Interop;

/// <summary>
/// <c>nvmlVgpuSchedulerSetState_t</c> (16 B). The last 8 bytes are the <c>nvmlVgpuSchedulerSetParams_t</c> union:
/// <c>{avgFactor, frequency}</c> with adaptive round robin, <c>{timeslice}</c> (ns) without.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlVgpuSchedulerSetState
{
    /// <summary><c>NVML_VGPU_SCHEDULER_ARR_ENABLE</c>.</summary>
    public const uint ArrEnabled = 2;

    public uint SchedulerPolicy;
    public uint EnableArrMode;
    public uint Params0;
    public uint Params1;
}
