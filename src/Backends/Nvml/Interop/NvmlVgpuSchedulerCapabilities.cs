using System.Runtime.InteropServices;

namespace GpuQos.Backends.Nvml.Interop;

/// <summary>
/// <c>nvmlVgpuSchedulerCapabilities_t</c> (40 B): the scheduler policies a vGPU host accepts
/// (<c>NVML_SUPPORTED_VGPU_SCHEDULER_POLICY_COUNT</c> = 3 slots), the time-slice range in ns, and the adaptive
/// round-robin (ARR) limits.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NvmlVgpuSchedulerCapabilities
{
    public fixed uint SupportedSchedulers[3];
    public uint MaxTimeslice;
    public uint MinTimeslice;
    public uint IsArrModeSupported;
    public uint MaxFrequencyForARR;
    public uint MinFrequencyForARR;
    public uint MaxAvgFactorForARR;
    public uint MinAvgFactorForARR;
}
