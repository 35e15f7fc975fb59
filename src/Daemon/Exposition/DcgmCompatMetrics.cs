using GpuQos.Collectors.Exposition;
using GpuQos.Model.Metrics;
using GpuQos.Model.Snapshots;

namespace GpuQos.Daemon.Exposition;

/// <summary>
/// dcgm-exporter compatible series (<c>DCGM_FI_*</c>), so that Grafana dashboard 12239 and existing alerts keep
/// working while a fleet moves to GpuQos. Off by default (<c>observability.dcgmCompat</c>); these names break
/// the <c>gpuqos_</c> naming rule on purpose. The values are not read a second time: the GpuQos device,
/// health, partition and process sources write their samples into a buffer, and each field of
/// <see cref="DcgmCompatMapping"/> translates its source samples and relabels them the way dcgm-exporter does.
/// </summary>
public sealed class DcgmCompatMetrics : IMetricSource
{
    private readonly IMetricSource[] _inputs;
    private readonly string _hostname;

    public DcgmCompatMetrics(SnapshotStore store, DcgmCompatHost host)
    {
        _inputs = [new GpuMetrics(store), new HealthMetrics(store), new PartitionMetrics(store), new ProcessMetrics(store)];
        _hostname = host.Hostname;
    }

    /// <inheritdoc />
    public IReadOnlyList<MetricDefinition> Metrics { get; } = DcgmCompatMapping.Fields.Select(f => f.Definition).ToList();

    /// <inheritdoc />
    public void WriteTo(IMetricWriter writer)
    {
        var samples = new SampleBuffer();
        foreach (var input in _inputs)
        {
            input.WriteTo(samples);
        }

        var devices = Devices(samples);
        var instances = MigInstances(samples);
        var pods = Pods(samples);
        foreach (var field in DcgmCompatMapping.Fields)
        {
            foreach (var (metric, value, labels) in samples.Of(field.From))
            {
                if (!field.Matches(metric, labels) || !devices.TryGetValue(labels[1], out var device))
                {
                    continue;
                }

                var result = value;
                if (field.Minus is { } minus)
                {
                    var other = samples.Of(minus).FirstOrDefault(s => s.Labels[1] == labels[1]);
                    if (other.Metric is null)
                    {
                        continue;
                    }

                    result -= other.Value;
                }

                string instanceId = "", profile = "", podKey = labels[1];
                if (field.Scope == DcgmCompatScope.MigInstance)
                {
                    var partition = labels[DcgmCompatField.IndexOf(metric, "partition")];
                    if (!instances.TryGetValue((labels[1], partition), out var instance))
                    {
                        continue;
                    }

                    (instanceId, profile) = instance;
                    podKey = labels[1] + "/" + partition;
                }

                var (container, ns, pod) = pods.TryGetValue(podKey, out var p) && p is { } only ? only : ("", "", "");
                writer.Write(field.Definition, result * field.Scale,
                    device.Index, labels[1], device.PciBusId, "nvidia" + device.Index, device.Model, _hostname, instanceId, profile, container, ns, pod);
            }
        }
    }

    // uuid → index, model and PCI bus id, from gpuqos_gpu_info{gpu, uuid, name, pci_bus_id, mode}.
    private static Dictionary<string, (string Index, string Model, string PciBusId)> Devices(SampleBuffer samples) =>
        samples.Of(GpuMetrics.Info).GroupBy(s => s.Labels[1], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (g.First().Labels[0], g.First().Labels[2], g.First().Labels[3]), StringComparer.Ordinal);

    // (uuid, partition) → GPU instance id and profile, for MIG partitions.
    private static Dictionary<(string, string), (string Id, string Profile)> MigInstances(SampleBuffer samples)
    {
        var info = PartitionMetrics.Info;
        int partition = DcgmCompatField.IndexOf(info, "partition"), kind = DcgmCompatField.IndexOf(info, "partition_kind"),
            profile = DcgmCompatField.IndexOf(info, "profile"), instance = DcgmCompatField.IndexOf(info, "gpu_instance");
        var result = new Dictionary<(string, string), (string, string)>();
        foreach (var s in samples.Of(info).Where(s => s.Labels[kind] == "mig"))
        {
            result[(s.Labels[1], s.Labels[partition])] = (s.Labels[instance], s.Labels[profile]);
        }

        return result;
    }

    // dcgm-exporter labels a device (or MIG instance) with the pod it is allocated to. GpuQos sees processes, so
    // a device gets pod labels when every attributed process on it belongs to the same pod; otherwise none.
    // Keys: uuid for the whole GPU, uuid/partition for a MIG instance.
    private static Dictionary<string, (string Container, string Namespace, string Pod)?> Pods(SampleBuffer samples)
    {
        var metric = ProcessMetrics.MemoryUsed;
        int partition = DcgmCompatField.IndexOf(metric, "partition"), container = DcgmCompatField.IndexOf(metric, "container"),
            ns = DcgmCompatField.IndexOf(metric, "namespace"), pod = DcgmCompatField.IndexOf(metric, "pod");
        var result = new Dictionary<string, (string, string, string)?>(StringComparer.Ordinal);
        foreach (var s in samples.Of(metric))
        {
            var owner = (s.Labels[container], s.Labels[ns], s.Labels[pod]);
            foreach (var key in new[] { s.Labels[1], s.Labels[1] + "/" + s.Labels[partition] })
            {
                result[key] = owner.Item3.Length == 0 || (result.TryGetValue(key, out var seen) && seen != owner) ? null : owner;
            }
        }

        return result;
    }

    /// <summary>Samples written by the GpuQos sources during one <see cref="WriteTo"/>.</summary>
    private sealed class SampleBuffer : IMetricWriter
    {
        private static readonly List<(MetricDefinition Metric, double Value, string[] Labels)> None = [];
        private readonly Dictionary<string, List<(MetricDefinition Metric, double Value, string[] Labels)>> _samples = new(StringComparer.Ordinal);

        public void Write(MetricDefinition metric, double value, params ReadOnlySpan<string> labels)
        {
            if (!_samples.TryGetValue(metric.Name, out var list))
            {
                list = [];
                _samples[metric.Name] = list;
            }

            list.Add((metric, value, labels.ToArray()));
        }

        public List<(MetricDefinition Metric, double Value, string[] Labels)> Of(MetricDefinition metric) =>
            _samples.TryGetValue(metric.Name, out var list) ? list : None;
    }
}
