using System.Text;
using GpuQos.Collectors.Exposition;
using GpuQos.Model.Metrics;

namespace GpuQos.Daemon.Exposition;

/// <summary>
/// The dcgm-exporter series GpuQos can expose, each from one GpuQos family. This list is the single source:
/// <see cref="DcgmCompatMetrics"/> writes from it and the table in <c>docs/metrics.md</c> is rendered from it.
/// Units are dcgm-exporter's (percent, MiB, MHz, mJ), not base units.
/// </summary>
public static class DcgmCompatMapping
{
    private const double Percent = 100;
    private const double MiB = 1.0 / (1024 * 1024);
    private const double MHz = 1e-6;

    /// <summary>Every mapped field.</summary>
    public static IReadOnlyList<DcgmCompatField> Fields { get; } =
    [
        new("DCGM_FI_DEV_GPU_UTIL", MetricType.Gauge, "%", GpuMetrics.SmUtilization, Percent, DcgmCompatScope.Gpu),
        new("DCGM_FI_DEV_MEM_COPY_UTIL", MetricType.Gauge, "%", GpuMetrics.MemoryBandwidthUtilization, Percent, DcgmCompatScope.Gpu),
        new("DCGM_FI_DEV_FB_USED", MetricType.Gauge, "MiB", GpuMetrics.MemoryUsed, MiB, DcgmCompatScope.Gpu),
        new("DCGM_FI_DEV_FB_FREE", MetricType.Gauge, "MiB", GpuMetrics.MemoryTotal, MiB, DcgmCompatScope.Gpu, Minus: GpuMetrics.MemoryUsed),
        new("DCGM_FI_DEV_FB_RESERVED", MetricType.Gauge, "MiB", GpuMetrics.MemoryReserved, MiB, DcgmCompatScope.Gpu),
        new("DCGM_FI_DEV_SM_CLOCK", MetricType.Gauge, "MHz", GpuMetrics.SmClock, MHz, DcgmCompatScope.Gpu),
        new("DCGM_FI_DEV_MEM_CLOCK", MetricType.Gauge, "MHz", GpuMetrics.MemoryClock, MHz, DcgmCompatScope.Gpu),
        new("DCGM_FI_DEV_GPU_TEMP", MetricType.Gauge, "°C", GpuMetrics.Temperature, 1, DcgmCompatScope.Gpu),
        new("DCGM_FI_DEV_POWER_USAGE", MetricType.Gauge, "W", GpuMetrics.Power, 1, DcgmCompatScope.Gpu),
        new("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", MetricType.Counter, "mJ", GpuMetrics.Energy, 1000, DcgmCompatScope.Gpu),
        new("DCGM_FI_DEV_XID_ERRORS", MetricType.Gauge, "last XID code", HealthMetrics.LastXid, 1, DcgmCompatScope.Gpu),
        new("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", MetricType.Counter, "errors", HealthMetrics.Ecc, 1, DcgmCompatScope.Gpu, "type", "corrected"),
        new("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", MetricType.Counter, "errors", HealthMetrics.Ecc, 1, DcgmCompatScope.Gpu, "type", "uncorrected"),
        new("DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS", MetricType.Counter, "rows", HealthMetrics.RemappedRows, 1, DcgmCompatScope.Gpu, "cause", "correctable"),
        new("DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS", MetricType.Counter, "rows", HealthMetrics.RemappedRows, 1, DcgmCompatScope.Gpu, "cause", "uncorrectable"),
        new("DCGM_FI_DEV_ROW_REMAP_FAILURE", MetricType.Gauge, "0/1", HealthMetrics.RemapFailed, 1, DcgmCompatScope.Gpu),
        new("DCGM_FI_PROF_GR_ENGINE_ACTIVE", MetricType.Gauge, "ratio", PartitionMetrics.SmUtilization, 1, DcgmCompatScope.MigInstance, "partition_kind", "mig"),
        new("DCGM_FI_PROF_DRAM_ACTIVE", MetricType.Gauge, "ratio", PartitionMetrics.MemoryBandwidthUtilization, 1, DcgmCompatScope.MigInstance, "partition_kind", "mig"),
    ];

    /// <summary>The mapping as the Markdown table rows of docs/metrics.md (header included).</summary>
    public static string MarkdownTable()
    {
        var text = new StringBuilder();
        text.AppendLine("| dcgm-exporter series | type | unit | derived from GpuQos | per |");
        text.AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var f in Fields)
        {
            var type = f.Type == MetricType.Counter ? "counter" : "gauge";
            var scope = f.Scope == DcgmCompatScope.Gpu ? "GPU" : "MIG instance";
            text.AppendLine($"| `{f.Name}` | {type} | {f.Unit} | {f.Derivation} | {scope} |");
        }

        return text.ToString();
    }
}
