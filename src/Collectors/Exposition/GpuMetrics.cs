using GpuQos.Model.Devices;
using GpuQos.Model.Metrics;
using GpuQos.Model.Snapshots;

namespace GpuQos.Collectors.Exposition;

/// <summary>Whole-device series: identity, memory, utilization, clocks, power, temperature.</summary>
public sealed class GpuMetrics(SnapshotStore store) : IMetricSource
{
    private const string Nvml = "NVML ";

    public static readonly MetricDefinition Info = new("gpuqos_gpu_info", MetricType.Gauge, "GPU identity and sharing mode; always 1.", MetricLabels.Gpu.With("name", "pci_bus_id", "mode"), Nvml + "nvmlDeviceGetName/GetPciInfo, MIG and vGPU mode");
    public static readonly MetricDefinition Lost = new("gpuqos_gpu_lost", MetricType.Gauge, "1 when the GPU has fallen off the bus (GPU_IS_LOST) and is no longer read.", MetricLabels.Gpu, Nvml + "NVML_ERROR_GPU_IS_LOST on any call");
    public static readonly MetricDefinition SmUtilization = new("gpuqos_gpu_sm_utilization_ratio", MetricType.Gauge, "Fraction of time a kernel was running on the GPU. Absent in MIG mode.", MetricLabels.Gpu, Nvml + "nvmlDeviceGetUtilizationRates (gpu)");
    public static readonly MetricDefinition MemoryBandwidthUtilization = new("gpuqos_gpu_memory_bandwidth_utilization_ratio", MetricType.Gauge, "Fraction of time device memory was being read or written. Absent in MIG mode.", MetricLabels.Gpu, Nvml + "nvmlDeviceGetUtilizationRates (memory)");
    public static readonly MetricDefinition MemoryTotal = new("gpuqos_gpu_memory_total_bytes", MetricType.Gauge, "Total device memory.", MetricLabels.Gpu, Nvml + "nvmlDeviceGetMemoryInfo_v2");
    public static readonly MetricDefinition MemoryUsed = new("gpuqos_gpu_memory_used_bytes", MetricType.Gauge, "Device memory in use, including memory reserved by the driver.", MetricLabels.Gpu, Nvml + "nvmlDeviceGetMemoryInfo_v2");
    public static readonly MetricDefinition MemoryReserved = new("gpuqos_gpu_memory_reserved_bytes", MetricType.Gauge, "Device memory reserved by the driver and firmware.", MetricLabels.Gpu, Nvml + "nvmlDeviceGetMemoryInfo_v2");
    public static readonly MetricDefinition SmClock = new("gpuqos_gpu_sm_clock_hertz", MetricType.Gauge, "Current SM clock.", MetricLabels.Gpu, Nvml + "nvmlDeviceGetClockInfo(SM)");
    public static readonly MetricDefinition SmClockMax = new("gpuqos_gpu_sm_clock_max_hertz", MetricType.Gauge, "Maximum SM clock.", MetricLabels.Gpu, Nvml + "nvmlDeviceGetMaxClockInfo(SM)");
    public static readonly MetricDefinition MemoryClock = new("gpuqos_gpu_memory_clock_hertz", MetricType.Gauge, "Current memory clock.", MetricLabels.Gpu, Nvml + "nvmlDeviceGetClockInfo(MEM)");
    public static readonly MetricDefinition ClocksLocked = new("gpuqos_gpu_clocks_locked", MetricType.Gauge, "1 while the GPU clock is locked to a range.", MetricLabels.Gpu, Nvml + "nvmlDeviceGetClock(SM, APP_CLOCK_TARGET) / locked-clock state");
    public static readonly MetricDefinition LockedClockMax = new("gpuqos_gpu_locked_clock_max_hertz", MetricType.Gauge, "Upper end of the locked GPU clock range, while locked.", MetricLabels.Gpu, Nvml + "locked-clock state");
    public static readonly MetricDefinition Power = new("gpuqos_gpu_power_watts", MetricType.Gauge, "Power draw.", MetricLabels.Gpu, Nvml + "nvmlDeviceGetPowerUsage");
    public static readonly MetricDefinition PowerLimit = new("gpuqos_gpu_power_limit_watts", MetricType.Gauge, "Enforced power limit.", MetricLabels.Gpu, Nvml + "nvmlDeviceGetEnforcedPowerLimit");
    public static readonly MetricDefinition Energy = new("gpuqos_gpu_energy_joules_total", MetricType.Counter, "Energy consumed since the driver loaded.", MetricLabels.Gpu, Nvml + "nvmlDeviceGetTotalEnergyConsumption");
    public static readonly MetricDefinition Temperature = new("gpuqos_gpu_temperature_celsius", MetricType.Gauge, "GPU die temperature.", MetricLabels.Gpu, Nvml + "nvmlDeviceGetTemperature(GPU)");
    public static readonly MetricDefinition ComputeModeInfo = new("gpuqos_gpu_compute_mode_info", MetricType.Gauge, "Compute mode; always 1.", MetricLabels.Gpu.With("compute_mode"), Nvml + "nvmlDeviceGetComputeMode");

    public IReadOnlyList<MetricDefinition> Metrics { get; } =
        [Info, Lost, SmUtilization, MemoryBandwidthUtilization, MemoryTotal, MemoryUsed, MemoryReserved, SmClock, SmClockMax, MemoryClock, ClocksLocked, LockedClockMax, Power, PowerLimit, Energy, Temperature, ComputeModeInfo];

    public void WriteTo(IMetricWriter writer)
    {
        if (store.Latest is not { } snapshot)
        {
            return;
        }

        foreach (var gpu in snapshot.Gpus)
        {
            var id = gpu.Identity;
            string gpuLabel = id.IndexLabel, uuid = id.Uuid;
            var mode = gpu.Device?.Mode.Label() ?? "unknown";
            writer.Write(Info, 1, gpuLabel, uuid, id.Name, id.PciBusId, mode);
            writer.Write(Lost, gpu.Lost ? 1 : 0, gpuLabel, uuid);
            if (gpu.Device is not { } d)
            {
                continue;
            }

            Optional(writer, SmUtilization, d.SmUtilization, gpuLabel, uuid);
            Optional(writer, MemoryBandwidthUtilization, d.MemoryBandwidthUtilization, gpuLabel, uuid);
            writer.Write(MemoryTotal, d.MemoryTotalBytes, gpuLabel, uuid);
            writer.Write(MemoryUsed, d.MemoryUsedBytes, gpuLabel, uuid);
            Optional(writer, MemoryReserved, d.MemoryReservedBytes, gpuLabel, uuid);
            Optional(writer, SmClock, d.SmClockHz, gpuLabel, uuid);
            Optional(writer, SmClockMax, d.SmClockMaxHz, gpuLabel, uuid);
            Optional(writer, MemoryClock, d.MemoryClockHz, gpuLabel, uuid);
            writer.Write(ClocksLocked, d.LockedClockHz is null ? 0 : 1, gpuLabel, uuid);
            Optional(writer, LockedClockMax, d.LockedClockHz?.MaxHz, gpuLabel, uuid);
            Optional(writer, Power, d.PowerWatts, gpuLabel, uuid);
            Optional(writer, PowerLimit, d.PowerLimitWatts, gpuLabel, uuid);
            Optional(writer, Energy, d.EnergyJoules, gpuLabel, uuid);
            Optional(writer, Temperature, d.TemperatureCelsius, gpuLabel, uuid);
            if (d.ComputeMode is { } cm)
            {
                writer.Write(ComputeModeInfo, 1, gpuLabel, uuid, Names.ComputeMode(cm));
            }
        }
    }

    internal static void Optional(IMetricWriter writer, MetricDefinition metric, double? value, params ReadOnlySpan<string> labels)
    {
        if (value is { } v)
        {
            writer.Write(metric, v, labels);
        }
    }
}
