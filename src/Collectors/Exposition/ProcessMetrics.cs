using GpuQos.Collectors.Attribution;
using GpuQos.Model.Devices;
using GpuQos.Model.Metrics;
using GpuQos.Model.Snapshots;

namespace GpuQos.Collectors.Exposition;

/// <summary>
/// Per-process series with container, pod, namespace and tenant. SM and memory-bandwidth utilization are
/// absent where NVML cannot attribute them: inside MIG instances, and for MPS clients.
/// </summary>
/// <remarks>
/// Cardinality guard: at most <see cref="AttributionOptions.MaxProcessSeriesPerGpu"/> processes per GPU get
/// series of their own, those using the most SM time, then the most memory (ties by PID). The rest are
/// summed into one overflow series with <c>pid=""</c> and <c>process="other"</c>, and
/// <c>gpuqos_process_overflow_processes</c> says how many were folded. Tenant aggregates count every process.
/// </remarks>
public sealed class ProcessMetrics(SnapshotStore store, AttributionOptions? options = null) : IMetricSource
{
    /// <summary>The <c>process</c> label of the overflow series.</summary>
    public const string OverflowProcess = "other";

    public static readonly MetricDefinition MemoryUsed = new("gpuqos_process_memory_used_bytes", MetricType.Gauge, "Device memory held by the process.", MetricLabels.Process, "NVML compute, graphics and MPS running-process lists (_v3), merged by PID");
    public static readonly MetricDefinition SmUtilization = new("gpuqos_process_sm_utilization_ratio", MetricType.Gauge, "Share of the device's SM time used by the process (time-sliced, exclusive; the MPS server under MPS).", MetricLabels.Process, "NVML nvmlDeviceGetProcessUtilization (smUtil)");
    public static readonly MetricDefinition MemoryBandwidthUtilization = new("gpuqos_process_memory_bandwidth_utilization_ratio", MetricType.Gauge, "Share of the device's memory-bandwidth time used by the process.", MetricLabels.Process, "NVML nvmlDeviceGetProcessUtilization (memUtil)");
    public static readonly MetricDefinition AttributionInfo = new("gpuqos_process_attribution_info", MetricType.Gauge, "What the process's cgroup says (container ID, pod UID, runtime) and how its pod was matched (pod-uid, device, cgroup, none); always 1.", MetricLabels.Process.With("container_id", "pod_uid", "runtime", "match"), "procfs /proc/PID/cgroup; kubelet PodResources v1; /var/log/pods");
    public static readonly MetricDefinition Overflow = new("gpuqos_process_overflow_processes", MetricType.Gauge, "Processes on the GPU beyond the per-GPU series cap, summed into the process=\"other\" series.", MetricLabels.Gpu, "daemon (attribution.maxProcessSeriesPerGpu)");

    private readonly int _cap = options?.MaxProcessSeriesPerGpu ?? AttributionDefaults.MaxProcessSeriesPerGpu;
    private readonly PidLabels _pids = new();
    private readonly string[] _labels = new string[MetricLabels.Process.Count];
    private readonly string[] _info = new string[AttributionInfo.Labels.Count];
    private readonly Lock _lock = new();

    public IReadOnlyList<MetricDefinition> Metrics { get; } = [MemoryUsed, SmUtilization, MemoryBandwidthUtilization, AttributionInfo, Overflow];

    public void WriteTo(IMetricWriter writer)
    {
        if (store.Latest is not { } snapshot)
        {
            return;
        }

        // The label buffers and PID texts are reused from cycle to cycle; the lock keeps two writers (Prometheus
        // and OpenTelemetry, say) from sharing them at once.
        lock (_lock)
        {
            Write(writer, snapshot);
        }
    }

    private void Write(IMetricWriter writer, HostSnapshot snapshot)
    {
        var labels = _labels;
        var info = _info;
        foreach (var gpu in snapshot.Gpus)
        {
            labels[0] = gpu.Identity.IndexLabel;
            labels[1] = gpu.Identity.Uuid;
            var processes = gpu.Processes;
            var folded = processes.Count > _cap ? processes.Count - _cap : 0;
            if (folded > 0)
            {
                processes = [.. processes.OrderByDescending(p => p.Reading.SmUtilization ?? 0).ThenByDescending(p => p.Reading.UsedMemoryBytes).ThenBy(p => p.Reading.Pid)];
            }

            for (var i = 0; i < processes.Count - folded; i++)
            {
                var (r, partition, a) = processes[i];
                labels[2] = r.PartitionId;
                labels[3] = partition?.Kind.Label() ?? "";
                labels[4] = partition?.Profile ?? "";
                labels[5] = _pids.Of(r.Pid);
                labels[6] = r.Name;
                labels[7] = a.Container;
                labels[8] = a.Pod;
                labels[9] = a.Namespace;
                labels[10] = a.Tenant;
                writer.Write(MemoryUsed, r.UsedMemoryBytes, labels);
                GpuMetrics.Optional(writer, SmUtilization, r.SmUtilization, labels);
                GpuMetrics.Optional(writer, MemoryBandwidthUtilization, r.MemoryBandwidthUtilization, labels);
                labels.CopyTo(info, 0);
                info[^4] = a.ContainerId;
                info[^3] = a.PodUid;
                info[^2] = a.Runtime;
                info[^1] = a.Match;
                writer.Write(AttributionInfo, 1, info);
            }

            writer.Write(Overflow, folded, gpu.Identity.IndexLabel, gpu.Identity.Uuid);
            if (folded > 0)
            {
                WriteOverflow(writer, labels, processes.Skip(processes.Count - folded).ToArray());
            }
        }

        _pids.EndCycle();
    }

    private static void WriteOverflow(IMetricWriter writer, string[] labels, ProcessSnapshot[] rest)
    {
        Array.Fill(labels, "", 2, labels.Length - 2);
        labels[6] = OverflowProcess;
        writer.Write(MemoryUsed, rest.Sum(p => p.Reading.UsedMemoryBytes), labels);
        GpuMetrics.Optional(writer, SmUtilization, SumKnown(rest.Select(p => p.Reading.SmUtilization)), labels);
        GpuMetrics.Optional(writer, MemoryBandwidthUtilization, SumKnown(rest.Select(p => p.Reading.MemoryBandwidthUtilization)), labels);
    }

    private static double? SumKnown(IEnumerable<double?> values)
    {
        double? sum = null;
        foreach (var v in values)
        {
            if (v is { } x)
            {
                sum = (sum ?? 0) + x;
            }
        }

        return sum;
    }
}
