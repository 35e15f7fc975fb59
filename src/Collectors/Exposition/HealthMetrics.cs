using GpuQos.Model.Devices;
using GpuQos.Model.Metrics;
using GpuQos.Model.Snapshots;

namespace GpuQos.Collectors.Exposition;

/// <summary>Health series: clock-event reasons, ECC, row remapping, XID errors, PCIe throughput.</summary>
public sealed class HealthMetrics(SnapshotStore store) : IMetricSource
{
    public static readonly MetricDefinition ClockEvent = new("gpuqos_gpu_clock_event_active", MetricType.Gauge, "1 while a clock-event (throttle) reason is active.", MetricLabels.Gpu.With("reason"), "NVML nvmlDeviceGetCurrentClocksEventReasons");
    public static readonly MetricDefinition Ecc = new("gpuqos_gpu_ecc_errors_total", MetricType.Counter, "ECC errors since the driver loaded (volatile counter).", MetricLabels.Gpu.With("type"), "NVML nvmlDeviceGetTotalEccErrors");
    public static readonly MetricDefinition RemappedRows = new("gpuqos_gpu_remapped_rows", MetricType.Gauge, "Memory rows remapped, by cause.", MetricLabels.Gpu.With("cause"), "NVML nvmlDeviceGetRemappedRows");
    public static readonly MetricDefinition RemapPending = new("gpuqos_gpu_row_remap_pending", MetricType.Gauge, "1 when a row remap is pending (the GPU needs a reset).", MetricLabels.Gpu, "NVML nvmlDeviceGetRemappedRows");
    public static readonly MetricDefinition RemapFailed = new("gpuqos_gpu_row_remap_failed", MetricType.Gauge, "1 when a row remap failed.", MetricLabels.Gpu, "NVML nvmlDeviceGetRemappedRows");
    public static readonly MetricDefinition Xid = new("gpuqos_gpu_xid_errors_total", MetricType.Counter, "XID errors seen since the daemon started, by XID code; a code's series appears with its first error.", MetricLabels.Gpu.With("xid"), "NVML event set (nvmlEventTypeXidCriticalError)");
    public static readonly MetricDefinition LastXid = new("gpuqos_gpu_last_xid", MetricType.Gauge, "Code of the most recent XID error.", MetricLabels.Gpu, "NVML event set (nvmlEventTypeXidCriticalError)");
    public static readonly MetricDefinition Pcie = new("gpuqos_gpu_pcie_throughput_bytes_per_second", MetricType.Gauge, "PCIe throughput, by direction.", MetricLabels.Gpu.With("direction"), "NVML nvmlDeviceGetPcieThroughput");

    public IReadOnlyList<MetricDefinition> Metrics { get; } = [ClockEvent, Ecc, RemappedRows, RemapPending, RemapFailed, Xid, LastXid, Pcie];

    public void WriteTo(IMetricWriter writer)
    {
        if (store.Latest is not { } snapshot)
        {
            return;
        }

        foreach (var gpu in snapshot.Gpus)
        {
            if (gpu.Health is not { } h)
            {
                continue;
            }

            string g = gpu.Identity.IndexLabel, uuid = gpu.Identity.Uuid;
            if (h.ClockEventReasons is { } reasons)
            {
                foreach (var (bit, label) in ClockEventReasons.Named)
                {
                    writer.Write(ClockEvent, (reasons & bit) != 0 ? 1 : 0, g, uuid, label);
                }
            }

            GpuMetrics.Optional(writer, Ecc, h.EccCorrectedTotal, g, uuid, "corrected");
            GpuMetrics.Optional(writer, Ecc, h.EccUncorrectedTotal, g, uuid, "uncorrected");
            GpuMetrics.Optional(writer, RemappedRows, h.RemappedRowsCorrectable, g, uuid, "correctable");
            GpuMetrics.Optional(writer, RemappedRows, h.RemappedRowsUncorrectable, g, uuid, "uncorrectable");
            GpuMetrics.Optional(writer, RemapPending, h.RemapPending is { } p ? (p ? 1 : 0) : null, g, uuid);
            GpuMetrics.Optional(writer, RemapFailed, h.RemapFailed is { } f ? (f ? 1 : 0) : null, g, uuid);
            foreach (var (code, count) in h.XidErrorsByCode)
            {
                writer.Write(Xid, count, g, uuid, code.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            GpuMetrics.Optional(writer, LastXid, h.LastXid, g, uuid);
            GpuMetrics.Optional(writer, Pcie, h.PcieTxBytesPerSecond, g, uuid, "tx");
            GpuMetrics.Optional(writer, Pcie, h.PcieRxBytesPerSecond, g, uuid, "rx");
        }
    }
}
