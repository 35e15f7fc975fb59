using GpuQos.Daemon.Hosting;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Nvml;

/// <summary>The real daemon on <c>--backend nvml</c> and <c>auto</c> over the NVML stand-in.</summary>
public sealed class NvmlDaemonTests(NvmlStubBuild stub) : IClassFixture<NvmlStubBuild>
{
    [Fact]
    public async Task Run_NvmlOverDemoFixture_SameSeriesAndLabelSetsAsSimulatedDemo()
    {
        // Same configuration on both, so that tenants, policies and advice are alike and only the backend differs.
        var config = RepoPaths.Combine("scenarios", "demo-config.yaml");
        await using var sim = await DaemonProcess.StartAsync(["--backend", "sim", "--config", config]);
        await using var nvml = await DaemonProcess.StartAsync(["--backend", "nvml", "--config", config, "--procfs-root", stub.EmptyProcfs()], NvmlStubBuild.Environment(NvmlStubBuild.DemoFixture));

        var simSamples = await SettledAsync(sim);
        var nvmlSamples = await SettledAsync(nvml);

        var simSets = LabelSets(simSamples);
        var nvmlSets = LabelSets(nvmlSamples);
        var differences = simSets.Keys.Union(nvmlSets.Keys)
            .Where(k => simSets.GetValueOrDefault(k) != nvmlSets.GetValueOrDefault(k))
            .Select(k => $"{k}: sim [{simSets.GetValueOrDefault(k)}] nvml [{nvmlSets.GetValueOrDefault(k)}]")
            .ToList();
        Assert.True(differences.Count == 0, string.Join(Environment.NewLine, differences));
        Assert.Equal(Partitions(simSamples), Partitions(nvmlSamples));
        Assert.Equal("nvml", nvmlSamples.Single(s => s.Name == "gpuqos_build_info").Labels["backend"]);
        Assert.DoesNotContain(nvmlSamples, s => s.Name == "gpuqos_nvml_errors_total");
    }

    /// <summary>
    /// A scrape once the enforcer has evaluated a snapshot and the exposition has run since: enforcement runs on
    /// its own loop and the usage counters need two snapshots, so their series trail the first cycles.
    /// </summary>
    private static async Task<IReadOnlyList<Sample>> SettledAsync(DaemonProcess daemon)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var samples = ExpositionParser.Parse(await daemon.ScrapeAsync());
            var cycles = samples.FirstOrDefault(s => s.Name == "gpuqos_collection_cycles_total")?.Value ?? 0;
            var evaluated = samples.FirstOrDefault(s => s.Name == "gpuqos_enforcement_last_evaluation_timestamp_seconds")?.Value ?? 0;
            if ((cycles >= 4 && evaluated > 0) || watch.Elapsed > TimeSpan.FromSeconds(60))
            {
                return samples;
            }

            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task Run_ProcfsRoot_ProcessNamesAreReadThereNotInThisProcesssProc()
    {
        // NVML reports host PIDs. A daemon whose host procfs is mounted elsewhere (--procfs-root, as
        // node_exporter's --path.procfs) must name them from there: its own /proc may hold another process
        // under the same PID. The NVML backend used to read /proc whatever the option said.
        var procfs = stub.EmptyProcfs();
        Directory.CreateDirectory(Path.Combine(procfs, "4101"));
        File.WriteAllText(Path.Combine(procfs, "4101", "comm"), "named-by-root\n");
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "nvml", "--procfs-root", procfs], NvmlStubBuild.Environment(NvmlStubBuild.DemoFixture));

        var samples = ExpositionParser.Parse(await daemon.ScrapeAsync());
        string NameOf(string pid) => samples.First(s => s.Name == "gpuqos_process_memory_used_bytes" && s.Labels["pid"] == pid).Labels["process"];
        Assert.Equal("named-by-root", NameOf("4101"));
        Assert.Equal("python3", NameOf("4102")); // not in that procfs: NVML's name (the fixture's)
    }

    [Fact]
    public async Task Run_GpuLostMidRun_MarkedLostCountedOthersKeepReporting()
    {
        var fixture = stub.Fixture([.. File.ReadAllLines(NvmlStubBuild.DemoFixture), "fault fn=nvmlDeviceGetPowerUsage gpu=1 code=GPU_IS_LOST from=3"]);
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "nvml", "--procfs-root", stub.EmptyProcfs()], NvmlStubBuild.Environment(fixture));

        IReadOnlyList<Sample> samples = [];
        for (var attempt = 0; attempt < 100; attempt++)
        {
            // Both the lost flag and the error count: a scrape can fall between the exposition writing the GPU
            // series and the collector series of the same cycle, and see the one without the other.
            samples = ExpositionParser.Parse(await daemon.ScrapeAsync());
            if (samples.Any(s => s.Name == "gpuqos_gpu_lost" && s.Labels["gpu"] == "1" && s.Value == 1)
                && samples.Any(s => s.Name == "gpuqos_nvml_errors_total" && s.Labels["function"] == "nvmlDeviceGetPowerUsage"))
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.Contains(samples, s => s.Name == "gpuqos_gpu_lost" && s.Labels["gpu"] == "1" && s.Value == 1);
        Assert.Contains(samples, s => s.Name == "gpuqos_nvml_errors_total" && s.Labels["function"] == "nvmlDeviceGetPowerUsage" && s.Labels["code"] == "GPU_IS_LOST" && s.Value == 1);
        Assert.DoesNotContain(samples, s => s.Name == "gpuqos_gpu_power_watts" && s.Labels["gpu"] == "1");
        Assert.Equal(["0", "2", "3", "4"], samples.Where(s => s.Name == "gpuqos_gpu_power_watts").Select(s => s.Labels["gpu"]).Order());
        Assert.Equal("ok", (await daemon.Http.GetStringAsync("/healthz")).Trim());

        // A lost GPU is the daemon's normal business: it shuts down as cleanly as ever.
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task Run_AutoWithStubGpus_UsesNvml()
    {
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "auto"], NvmlStubBuild.Environment(NvmlStubBuild.DemoFixture));
        var samples = ExpositionParser.Parse(await daemon.ScrapeAsync());
        Assert.Equal("nvml", samples.Single(s => s.Name == "gpuqos_build_info").Labels["backend"]);
        Assert.Equal(5, samples.Count(s => s.Name == "gpuqos_gpu_info"));
    }

    [Fact]
    public async Task Run_AutoWithoutLibrary_Exit2NamingSimulator()
    {
        var missing = Path.Combine(stub.WorkDir, "no-such-dir", "libnvidia-ml.so.1");
        var (code, _, stderr) = await DaemonProcess.RunToEndAsync(
            ["run", "--backend", "auto", "--listen", $"127.0.0.1:{DaemonProcess.FreePort()}"],
            new Dictionary<string, string> { ["GPUQOS_NVML_LIBRARY"] = missing });
        Assert.Equal(2, code);
        Assert.Contains("--backend sim", stderr, StringComparison.Ordinal);
        Assert.Contains(missing, stderr, StringComparison.Ordinal);
        Assert.StartsWith("gpuqos: " + BackendFactory.NoNvmlMessage("x")[..20], stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AutoWhenNvmlReportsNoGpu_Exit2NamingSimulator()
    {
        var empty = stub.Fixture("# a host with the driver loaded and no GPU");
        var (code, _, stderr) = await DaemonProcess.RunToEndAsync(
            ["run", "--backend", "auto", "--listen", $"127.0.0.1:{DaemonProcess.FreePort()}"],
            NvmlStubBuild.Environment(empty));
        Assert.Equal(2, code);
        Assert.Contains("NVML reports no GPU", stderr, StringComparison.Ordinal);
        Assert.Contains("--backend sim", stderr, StringComparison.Ordinal);
    }

    /// <summary>Every metric name with the label names of its series.</summary>
    private static SortedDictionary<string, string> LabelSets(IEnumerable<Sample> samples) =>
        new(samples.GroupBy(s => s.Name).ToDictionary(
            g => g.Key,
            g => string.Join(" | ", g.Select(s => string.Join(",", s.Labels.Keys.Order(StringComparer.Ordinal))).Distinct().Order(StringComparer.Ordinal))),
            StringComparer.Ordinal);

    private static IEnumerable<string> Partitions(IEnumerable<Sample> samples) =>
        samples.Where(s => s.Name == "gpuqos_partition_info")
            .Select(s => $"{s.Labels["gpu"]}/{s.Labels["uuid"]}/{s.Labels["partition"]}/{s.Labels["partition_kind"]}/{s.Labels["profile"]}/{s.Labels["partition_uuid"]}/{s.Labels["vm"]}")
            .Order(StringComparer.Ordinal);
}
