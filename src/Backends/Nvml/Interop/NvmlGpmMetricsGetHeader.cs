using System.Runtime.InteropServices;

namespace GpuQos.Backends.Nvml.Interop;

/// <summary>
/// The fixed head of <c>nvmlGpmMetricsGet_t</c> (24 B), followed in memory by
/// <c>nvmlGpmMetric_t metrics[NVML_GPM_METRIC_MAX]</c>. <c>NVML_GPM_METRIC_MAX</c> has grown between header
/// versions, so the whole struct is allocated natively at the size of the header GpuQos binds (NVML 13: 333).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlGpmMetricsGetHeader
{
    /// <summary><c>NVML_GPM_METRICS_GET_VERSION</c>.</summary>
    public const uint Version1 = 1;

    /// <summary><c>NVML_GPM_METRIC_MAX</c> in NVML 13's nvml.h.</summary>
    public const int MetricMax = 333;

    public uint Version;
    public uint NumMetrics;
    public nint Sample1;
    public nint Sample2;

    /// <summary>Size of the whole <c>nvmlGpmMetricsGet_t</c>.</summary>
    public static unsafe int StructSize => sizeof(NvmlGpmMetricsGetHeader) + (MetricMax * sizeof(NvmlGpmMetric));
}
