using System.Runtime.InteropServices;

namespace GpuQos.Backends.Nvml.Interop;

/// <summary><c>nvmlGpmMetric_t</c> (40 B): metric ID in, status and value out; names are driver-owned pointers.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlGpmMetric
{
    /// <summary><c>NVML_GPM_METRIC_SM_UTIL</c>: percent of SMs busy.</summary>
    public const uint SmUtil = 2;

    /// <summary><c>NVML_GPM_METRIC_SM_OCCUPANCY</c>.</summary>
    public const uint SmOccupancy = 3;

    /// <summary><c>NVML_GPM_METRIC_DRAM_BW_UTIL</c>: percent of peak DRAM bandwidth.</summary>
    public const uint DramBwUtil = 10;

    public uint MetricId;
    public int NvmlReturn;
    public double Value;
    public nint ShortName;
    public nint LongName;
    public nint Unit;
}
