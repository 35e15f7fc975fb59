using System.Globalization;
using GpuQos.Model.Devices;
using GpuQos.Model.Metrics;
using GpuQos.Model.Snapshots;

namespace GpuQos.Collectors.Exposition;

/// <summary>Per-partition series: MIG instances, vGPU instances (one per VM), and whole shared devices.</summary>
public sealed class PartitionMetrics(SnapshotStore store) : IMetricSource
{
    public static readonly MetricDefinition Info = new("gpuqos_partition_info", MetricType.Gauge, "Partition identity: MIG device UUID, GPU/compute instance, placement, VM; always 1.", MetricLabels.Partition.With("partition_uuid", "gpu_instance", "compute_instance", "placement_start", "vm"), "NVML MIG device handles / nvmlDeviceGetActiveVgpus; simulator geometry");
    public static readonly MetricDefinition MemoryTotal = new("gpuqos_partition_memory_total_bytes", MetricType.Gauge, "Memory of the partition (MIG instance size, vGPU framebuffer, or the whole device).", MetricLabels.Partition, "NVML nvmlDeviceGetMemoryInfo_v2 on the MIG device / nvmlVgpuTypeGetFramebufferSize");
    public static readonly MetricDefinition MemoryUsed = new("gpuqos_partition_memory_used_bytes", MetricType.Gauge, "Memory used inside the partition.", MetricLabels.Partition, "NVML nvmlDeviceGetMemoryInfo_v2 on the MIG device / nvmlVgpuInstanceGetFbUsage");
    public static readonly MetricDefinition SmUtilization = new("gpuqos_partition_sm_utilization_ratio", MetricType.Gauge, "SM utilization of the partition, relative to its own SMs (GPM on Hopper for MIG; vGPU utilization samples).", MetricLabels.Partition, "NVML nvmlGpmMigSampleGet + nvmlGpmMetricsGet(SM_UTIL) / nvmlDeviceGetVgpuUtilization");
    public static readonly MetricDefinition MemoryBandwidthUtilization = new("gpuqos_partition_memory_bandwidth_utilization_ratio", MetricType.Gauge, "Memory-bandwidth utilization of the partition.", MetricLabels.Partition, "NVML nvmlGpmMetricsGet(DRAM_BW_UTIL) / nvmlDeviceGetVgpuUtilization");
    public static readonly MetricDefinition EncoderUtilization = new("gpuqos_partition_encoder_utilization_ratio", MetricType.Gauge, "Video encoder utilization (vGPU).", MetricLabels.Partition, "NVML nvmlDeviceGetVgpuUtilization");
    public static readonly MetricDefinition DecoderUtilization = new("gpuqos_partition_decoder_utilization_ratio", MetricType.Gauge, "Video decoder utilization (vGPU).", MetricLabels.Partition, "NVML nvmlDeviceGetVgpuUtilization");
    public static readonly MetricDefinition SmCount = new("gpuqos_partition_multiprocessors", MetricType.Gauge, "Streaming multiprocessors in the partition.", MetricLabels.Partition, "NVML nvmlGpuInstanceProfileInfo_t.multiprocessorCount");
    public static readonly MetricDefinition VgpuScheduler = new("gpuqos_vgpu_scheduler_info", MetricType.Gauge, "vGPU scheduler policy of the GPU; always 1.", MetricLabels.Gpu.With("policy"), "NVML nvmlDeviceGetVgpuSchedulerState");
    public static readonly MetricDefinition VgpuTimeslice = new("gpuqos_vgpu_scheduler_timeslice_seconds", MetricType.Gauge, "vGPU scheduler time slice.", MetricLabels.Gpu, "NVML nvmlDeviceGetVgpuSchedulerState");

    public IReadOnlyList<MetricDefinition> Metrics { get; } =
        [Info, MemoryTotal, MemoryUsed, SmUtilization, MemoryBandwidthUtilization, EncoderUtilization, DecoderUtilization, SmCount, VgpuScheduler, VgpuTimeslice];

    public void WriteTo(IMetricWriter writer)
    {
        if (store.Latest is not { } snapshot)
        {
            return;
        }

        foreach (var gpu in snapshot.Gpus)
        {
            string g = gpu.Identity.IndexLabel, uuid = gpu.Identity.Uuid;
            var wroteScheduler = false;
            foreach (var (p, tenant) in gpu.Partitions)
            {
                string id = p.Id, kind = p.Kind.Label(), profile = p.Profile;
                writer.Write(Info, 1, g, uuid, id, kind, profile, tenant, p.Uuid ?? "", Text(p.GpuInstanceId), Text(p.ComputeInstanceId), Text(p.PlacementStart), p.VmId ?? "");
                GpuMetrics.Optional(writer, MemoryTotal, p.MemoryTotalBytes, g, uuid, id, kind, profile, tenant);
                GpuMetrics.Optional(writer, MemoryUsed, p.MemoryUsedBytes, g, uuid, id, kind, profile, tenant);
                GpuMetrics.Optional(writer, SmUtilization, p.SmUtilization, g, uuid, id, kind, profile, tenant);
                GpuMetrics.Optional(writer, MemoryBandwidthUtilization, p.MemoryBandwidthUtilization, g, uuid, id, kind, profile, tenant);
                GpuMetrics.Optional(writer, EncoderUtilization, p.EncoderUtilization, g, uuid, id, kind, profile, tenant);
                GpuMetrics.Optional(writer, DecoderUtilization, p.DecoderUtilization, g, uuid, id, kind, profile, tenant);
                GpuMetrics.Optional(writer, SmCount, p.SmCount, g, uuid, id, kind, profile, tenant);
                if (!wroteScheduler && p.SchedulerPolicy is { } policy)
                {
                    writer.Write(VgpuScheduler, 1, g, uuid, policy.Label());
                    GpuMetrics.Optional(writer, VgpuTimeslice, p.SchedulerTimesliceSeconds, g, uuid);
                    wroteScheduler = true;
                }
            }
        }
    }

    private static string Text(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";
}
