using System.Globalization;
using GpuQos.Collectors.Collection;
using GpuQos.Collectors.Model;

namespace GpuQos.Collectors.Exposition;

/// <summary>
/// Per-process series with container, pod, namespace and tenant. SM and memory-bandwidth utilization are
/// absent where NVML cannot attribute them: inside MIG instances, and for MPS clients.
/// </summary>
public sealed class ProcessMetrics(SnapshotStore store) : IMetricSource
{
    public static readonly MetricDefinition MemoryUsed = new("gpuqos_process_memory_used_bytes", MetricType.Gauge, "Device memory held by the process.", MetricLabels.Process, "NVML nvmlDeviceGetComputeRunningProcesses_v3");
    public static readonly MetricDefinition SmUtilization = new("gpuqos_process_sm_utilization_ratio", MetricType.Gauge, "Share of the device's SM time used by the process (time-sliced, exclusive; the MPS server under MPS).", MetricLabels.Process, "NVML nvmlDeviceGetProcessUtilization (smUtil)");
    public static readonly MetricDefinition MemoryBandwidthUtilization = new("gpuqos_process_memory_bandwidth_utilization_ratio", MetricType.Gauge, "Share of the device's memory-bandwidth time used by the process.", MetricLabels.Process, "NVML nvmlDeviceGetProcessUtilization (memUtil)");

    public IReadOnlyList<MetricDefinition> Metrics { get; } = [MemoryUsed, SmUtilization, MemoryBandwidthUtilization];

    public void WriteTo(IMetricWriter writer)
    {
        if (store.Latest is not { } snapshot)
        {
            return;
        }

        Span<string> labels = new string[MetricLabels.Process.Count];
        foreach (var gpu in snapshot.Gpus)
        {
            labels[0] = gpu.Identity.IndexLabel;
            labels[1] = gpu.Identity.Uuid;
            foreach (var proc in gpu.Processes)
            {
                var (r, partition, a) = proc;
                labels[2] = r.PartitionId;
                labels[3] = partition?.Kind.Label() ?? "";
                labels[4] = partition?.Profile ?? "";
                labels[5] = r.Pid.ToString(CultureInfo.InvariantCulture);
                labels[6] = r.Name;
                labels[7] = a.Container;
                labels[8] = a.Pod;
                labels[9] = a.Namespace;
                labels[10] = a.Tenant;
                writer.Write(MemoryUsed, r.UsedMemoryBytes, labels);
                GpuMetrics.Optional(writer, SmUtilization, r.SmUtilization, labels);
                GpuMetrics.Optional(writer, MemoryBandwidthUtilization, r.MemoryBandwidthUtilization, labels);
            }
        }
    }
}
