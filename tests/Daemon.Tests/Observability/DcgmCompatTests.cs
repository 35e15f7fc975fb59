using System.Text;
using GpuQos.Backends.Simulation;
using GpuQos.Collectors.Collection;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Exposition;
using Prometheus;
using GpuQos.Daemon.Tests.TestSupport;
using GpuQos.Model.Attribution;
using GpuQos.Model.Devices;
using GpuQos.Model.Metrics;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Daemon.Tests.Observability;

public sealed class DcgmCompatTests
{
    private const string Begin = "<!-- dcgm:begin (generated from DcgmCompatMapping; GPUQOS_UPDATE_DOCS=1 dotnet test regenerates it) -->";
    private const string End = "<!-- dcgm:end -->";
    private const string Hostname = "gpu-host-1";
    private static readonly string DocPath = RepoPaths.Combine("docs", "metrics.md");

    [Fact]
    public async Task MappingTable_InDocsMetricsMd_MatchesTheCode()
    {
        var current = await File.ReadAllTextAsync(DocPath);
        var begin = current.IndexOf(Begin, StringComparison.Ordinal);
        var end = current.IndexOf(End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"docs/metrics.md has no {Begin} … {End} section");
        var expected = current[..(begin + Begin.Length)] + "\n" + DcgmCompatMapping.MarkdownTable() + current[end..];
        if (Environment.GetEnvironmentVariable("GPUQOS_UPDATE_DOCS") == "1")
        {
            await File.WriteAllTextAsync(DocPath, expected);
            return;
        }

        Assert.True(expected == current, "the dcgm-exporter table in docs/metrics.md is out of date; run GPUQOS_UPDATE_DOCS=1 dotnet test --filter MappingTable_InDocsMetricsMd_MatchesTheCode");
    }

    [Fact]
    public async Task Enabled_EveryDcgmSeries_IsItsGpuQosSourceConverted_WithDcgmExporterLabels()
    {
        var samples = await ScrapeInProcessAsync();
        var byName = samples.ToLookup(s => s.Name);
        var devices = byName["gpuqos_gpu_info"].ToDictionary(s => s.Labels["uuid"]);
        var problems = new List<string>();
        foreach (var field in DcgmCompatMapping.Fields)
        {
            var expected = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var source in byName[field.From.Name].Where(s => field.WhereLabel is null || s.Labels[field.WhereLabel] == field.WhereValue))
            {
                var device = devices[source.Labels["uuid"]];
                string instance = "", profile = "";
                if (field.Scope == DcgmCompatScope.MigInstance)
                {
                    var info = byName["gpuqos_partition_info"].Single(p => p.Labels["uuid"] == source.Labels["uuid"] && p.Labels["partition"] == source.Labels["partition"]);
                    (instance, profile) = (info.Labels["gpu_instance"], info.Labels["profile"]);
                }

                var value = source.Value;
                if (field.Minus is { } minus)
                {
                    value -= byName[minus.Name].Single(s => s.Labels["uuid"] == source.Labels["uuid"]).Value;
                }

                var key = Key(new Dictionary<string, string>
                {
                    ["gpu"] = device.Labels["gpu"], ["UUID"] = device.Labels["uuid"], ["pci_bus_id"] = device.Labels["pci_bus_id"],
                    ["device"] = "nvidia" + device.Labels["gpu"], ["modelName"] = device.Labels["name"], ["Hostname"] = Hostname,
                    ["GPU_I_ID"] = instance, ["GPU_I_PROFILE"] = profile, ["container"] = "", ["namespace"] = "", ["pod"] = "",
                });
                expected[key] = value * field.Scale;
            }

            var actual = byName[field.Name].ToDictionary(s => Key(s.Labels), s => s.Value, StringComparer.Ordinal);
            if (expected.Count == 0)
            {
                problems.Add($"{field.Name}: its source {field.From.Name} has no samples on the demo host, so the mapping is untested");
            }

            problems.AddRange(expected.Where(e => !actual.TryGetValue(e.Key, out var v) || Math.Abs(v - e.Value) > 1e-9 * Math.Max(1, Math.Abs(e.Value)))
                .Select(e => $"{field.Name}{e.Key}: expected {e.Value}, got {(actual.TryGetValue(e.Key, out var v) ? v : "nothing")}"));
            problems.AddRange(actual.Keys.Except(expected.Keys).Select(k => $"{field.Name}{k}: unexpected series"));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Enabled_MigInstances_CarryGpuInstanceIdAndProfile()
    {
        var samples = await ScrapeInProcessAsync();
        var mig = samples.Where(s => s.Name == "DCGM_FI_PROF_GR_ENGINE_ACTIVE").ToList();
        Assert.Equal(["1g.10gb", "2g.20gb", "3g.40gb"], mig.Select(s => s.Labels["GPU_I_PROFILE"]).Distinct().Order(StringComparer.Ordinal));
        Assert.All(mig, s => Assert.Matches("^[0-9]+$", s.Labels["GPU_I_ID"]));
        Assert.Equal(mig.Count, mig.Select(s => s.Labels["GPU_I_ID"]).Distinct().Count());
    }

    [Fact]
    public void PodLabels_OnlyWhereEveryProcessOfTheDeviceBelongsToOnePod()
    {
        // Pods for the MIG H100's 3g and 2g instances and for the exclusive A10; the 1g instance's process and
        // the time-sliced A100's processes get none, or several.
        var pods = new Dictionary<int, ProcessAttribution>
        {
            [5101] = new("triton", "llm-0", "serving", "llm"),
            [5102] = new("embed", "emb-0", "serving", "ml-platform"),
            [6101] = new("trainer", "finetune-0", "nlp", "ml-platform"),
            [4101] = new("search", "search-0", "search", "search"),
            [4102] = new("ads", "ads-0", "ads", "ads"),
        };
        var time = new FakeTimeProvider();
        var store = new SnapshotStore(10);
        var pipeline = new CollectionPipeline(new SimulatedBackend(ScenarioLoader.Demo(), time), CollectionPipeline.DefaultCollectors, new FixedPods(pods), time, new BackendErrorCounter());
        var exporter = new PrometheusExporter([new DcgmCompatMetrics(store, new DcgmCompatHost(Hostname))]);
        time.Advance(TimeSpan.FromSeconds(30));
        store.Publish(pipeline.Collect());
        exporter.Update();
        using var stream = new MemoryStream();
        exporter.Render(stream, ExpositionFormat.PrometheusText);
        var samples = ExpositionParser.Parse(Encoding.UTF8.GetString(stream.ToArray()));

        var mig = samples.Where(s => s.Name == "DCGM_FI_PROF_GR_ENGINE_ACTIVE").ToDictionary(s => s.Labels["GPU_I_PROFILE"] + "/" + s.Labels["GPU_I_ID"], s => s.Labels["pod"]);
        Assert.Contains("llm-0", mig.Values);
        Assert.Contains("emb-0", mig.Values);
        Assert.Equal("llm-0", samples.Single(s => s.Name == "DCGM_FI_PROF_GR_ENGINE_ACTIVE" && s.Labels["GPU_I_PROFILE"] == "3g.40gb").Labels["pod"]);
        Assert.All(samples.Where(s => s.Name == "DCGM_FI_PROF_GR_ENGINE_ACTIVE" && s.Labels["GPU_I_PROFILE"] == "1g.10gb"), s => Assert.Equal("", s.Labels["pod"]));

        var util = samples.Where(s => s.Name == "DCGM_FI_DEV_GPU_UTIL").ToDictionary(s => s.Labels["device"]);
        Assert.Equal(("trainer", "nlp", "finetune-0"), (util["nvidia4"].Labels["container"], util["nvidia4"].Labels["namespace"], util["nvidia4"].Labels["pod"]));
        Assert.Equal("", util["nvidia1"].Labels["pod"]);
    }

    private sealed class FixedPods(IReadOnlyDictionary<int, ProcessAttribution> pods) : IProcessAttributor
    {
        public ProcessAttribution Attribute(GpuIdentity gpu, ProcessReading process, PartitionReading? partition) =>
            pods.TryGetValue(process.Pid, out var owner) ? owner : ProcessAttribution.Unknown;

        public string TenantOf(GpuIdentity gpu, PartitionReading partition) => "";
    }

    [Fact]
    public void Fields_AreDcgmExporterNames_WithItsLabels()
    {
        Assert.All(DcgmCompatMapping.Fields, f => Assert.Matches("^DCGM_FI_(DEV|PROF)_[A-Z0-9_]+$", f.Name));
        Assert.Equal(DcgmCompatMapping.Fields.Count, DcgmCompatMapping.Fields.Select(f => f.Name).Distinct().Count());
        Assert.Equal(["gpu", "UUID", "pci_bus_id", "device", "modelName", "Hostname", "GPU_I_ID", "GPU_I_PROFILE", "container", "namespace", "pod"], DcgmCompatField.Labels);
    }

    private static async Task<IReadOnlyList<Sample>> ScrapeInProcessAsync()
    {
        var options = ObservabilityConfig.Demo(new ObservabilityOptions { DcgmCompat = true, DcgmHostname = Hostname });
        // The demo host with one XID already raised on its last GPU, so that DCGM_FI_DEV_XID_ERRORS has a source.
        var scenario = ScenarioLoader.Parse(ScenarioLoader.DemoYaml().TrimEnd() + "\n    xids:\n      - {at: 0s, xid: 48}\n", "demo with an XID");
        await using var app = DemoHost.Build(new FakeTimeProvider(), scenario, options);
        var exporter = app.Services.GetRequiredService<PrometheusExporter>();
        Assert.Contains(exporter.Catalogue, m => m.Name == "DCGM_FI_DEV_GPU_UTIL" && m.Type == MetricType.Gauge);
        app.Services.GetRequiredService<Hosting.CollectionService>().RunCycle();
        using var stream = new MemoryStream();
        exporter.Render(stream, ExpositionFormat.PrometheusText);
        return ExpositionParser.Parse(Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static string Key(IReadOnlyDictionary<string, string> labels) =>
        "{" + string.Join(',', labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\"")) + "}";
}
