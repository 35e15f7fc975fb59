using System.Diagnostics;
using System.Globalization;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Nvml;

/// <summary>
/// An NVML client written by others (the Rust nvml-wrapper crate, from Debian) reads the stand-in over the demo
/// fixture, and the daemon on <c>--backend nvml</c> reads the same fixture: every value the client read must be
/// what <c>/metrics</c> exports. This keeps the stand-in an NVML that other clients can use, not one shaped by
/// GpuQos' own assumptions, and checks the daemon's units and merges against an outside reading.
/// </summary>
public sealed class NvmlIndependentClientTests(NvmlStubBuild stub) : IClassFixture<NvmlStubBuild>
{
    /// <summary>The demo host, and the real devices of <c>fixtures/real</c>, with the processes sampled in each.</summary>
    public static TheoryData<string, int> Fixtures => new()
    {
        { "demo.fixture", 6 },
        { "real/a100-sxm4-80gb-mig.fixture", 0 },
        { "real/h100-mig.fixture", 0 },
        { "real/h100-80gb-hbm3.fixture", 0 },
    };

    [NvmlClientTheory]
    [MemberData(nameof(Fixtures))]
    public async Task Client_Fixture_EveryValueItReadsEqualsWhatMetricsExports(string name, int sampledProcesses)
    {
        var fixture = RepoPaths.Combine("tests", "NvmlStub", "fixtures", name);
        var output = await RunClientAsync(fixture);
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "nvml", "--procfs-root", stub.EmptyProcfs()], NvmlStubBuild.Environment(fixture));

        // Per-process utilization needs a second cycle of samples; wait for every process the client saw sampled.
        var sampled = output.Split('\n').Count(l => l.Contains("/process_utilization/", StringComparison.Ordinal) && l.Contains("/sm ", StringComparison.Ordinal));
        IReadOnlyList<Sample> samples = [];
        for (var deadline = Stopwatch.StartNew(); deadline.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(200))
        {
            samples = ExpositionParser.Parse(await daemon.ScrapeAsync());
            if (samples.Count(s => s.Name == "gpuqos_process_sm_utilization_ratio") >= sampled)
            {
                break;
            }
        }

        var readings = new ClientReadings(output, samples);
        Compare(readings);

        Assert.True(sampled == sampledProcesses, $"{sampled} processes sampled, not {sampledProcesses}:\n{output}");
        Assert.True(readings.Mismatches.Count == 0, string.Join(Environment.NewLine, readings.Mismatches));
        Assert.Empty(readings.Unchecked);
    }

    private static async Task<string> RunClientAsync(string fixture)
    {
        var psi = new ProcessStartInfo(NvmlClientBuild.Executable, [Path.Combine(NvmlStubBuild.LibraryDirectory, "libnvidia-ml.so.1")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["GPUQOS_NVML_STUB_FIXTURE"] = fixture;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start the NVML client");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"the NVML client failed ({process.ExitCode}): {await stderr}");
        return await stdout;
    }

    /// <summary>The rules: each client field against its metric, in the metric's unit.</summary>
    internal static void Compare(ClientReadings c)
    {
        var gpus = c.Series("gpuqos_gpu_info").ToList();
        c.Equal("count", (double)gpus.Count, c.Number("count"));
        foreach (var info in gpus)
        {
            var i = info.Labels["gpu"];
            var p = $"gpu/{i}";
            var gpu = ("gpu", i);
            c.Equal($"{p}/uuid", c.Text($"{p}/uuid"), info.Labels["uuid"]);
            c.Equal($"{p}/name", c.Text($"{p}/name"), info.Labels["name"]);
            c.Equal($"{p}/pci", c.Text($"{p}/pci"), info.Labels["pci_bus_id"]);
            foreach (var lookup in new[] { "index", "by_uuid", "by_pci" })
            {
                c.Equal($"{p}/{lookup}", i, c.Text($"{p}/{lookup}"));
            }

            c.Metric($"{p}/memory/total", 1, "gpuqos_gpu_memory_total_bytes", gpu);
            c.Metric($"{p}/memory/used", 1, "gpuqos_gpu_memory_used_bytes", gpu);
            c.Equal($"{p}/memory/free", c.Number($"{p}/memory/total") - c.Number($"{p}/memory/used"), c.Number($"{p}/memory/free"));
            c.Metric($"{p}/temperature", 1, "gpuqos_gpu_temperature_celsius", gpu);
            c.Metric($"{p}/power/usage_mw", 1e-3, "gpuqos_gpu_power_watts", gpu);
            c.Metric($"{p}/power/enforced_limit_mw", 1e-3, "gpuqos_gpu_power_limit_watts", gpu);

            // Not exported (the daemon reads the enforced limit, and no fan): consistent with what is.
            c.Equal($"{p}/power/limit_mw", c.Number($"{p}/power/enforced_limit_mw"), c.Number($"{p}/power/limit_mw"));
            var range = c.Text($"{p}/power/limit_range_mw")?.Split('-').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray() ?? [];
            c.Equal($"{p}/power/limit_range_mw holds the limit", true, range.Length == 2 && range[0] <= c.Number($"{p}/power/limit_mw") && c.Number($"{p}/power/limit_mw") <= range[1]);
            c.Equal($"{p}/fans (no fixture gives a fan: passively cooled boards)", true, c.Failed($"{p}/fans", "NotSupported") && c.Failed($"{p}/fan", "NotSupported"));

            if (c.Failed($"{p}/utilization", "NotSupported"))
            {
                c.Equal($"{p}/utilization NOT_SUPPORTED: no series", 0, c.Series("gpuqos_gpu_sm_utilization_ratio", gpu).Count());
            }
            else
            {
                c.Metric($"{p}/utilization/gpu", 0.01, "gpuqos_gpu_sm_utilization_ratio", gpu);
                c.Metric($"{p}/utilization/memory", 0.01, "gpuqos_gpu_memory_bandwidth_utilization_ratio", gpu);
            }

            c.Metric($"{p}/clock/sm", 1e6, "gpuqos_gpu_sm_clock_hertz", gpu);
            c.Metric($"{p}/clock/sm_max", 1e6, "gpuqos_gpu_sm_clock_max_hertz", gpu);
            c.Metric($"{p}/clock/memory", 1e6, "gpuqos_gpu_memory_clock_hertz", gpu);
            c.Metric($"{p}/pcie/tx_kbs", 1024, "gpuqos_gpu_pcie_throughput_bytes_per_second", gpu, ("direction", "tx"));
            c.Metric($"{p}/pcie/rx_kbs", 1024, "gpuqos_gpu_pcie_throughput_bytes_per_second", gpu, ("direction", "rx"));
            CompareProcesses(c, p, i);
            CompareMig(c, p, i);
        }
    }

    /// <summary>The three lists, merged by PID as the daemon documents it (a PID once, the largest memory).</summary>
    private static void CompareProcesses(ClientReadings c, string p, string i)
    {
        var merged = new SortedDictionary<string, (double Memory, string Partition)>(StringComparer.Ordinal);
        foreach (var list in new[] { "compute", "graphics", "mps" })
        {
            var prefix = $"{p}/processes/{list}/";
            _ = c.Number(prefix + "count");
            foreach (var key in c.Keys(prefix).Where(k => k.EndsWith("/memory", StringComparison.Ordinal)).ToList())
            {
                var pid = key[prefix.Length..^"/memory".Length];
                var partition = c.Keys(prefix + pid + "/instance").Any() ? c.Text(prefix + pid + "/instance")! : "whole";
                var memory = c.Number(key);
                merged[pid] = (Math.Max(memory, merged.GetValueOrDefault(pid).Memory), partition);
            }
        }

        var exported = c.Series("gpuqos_process_memory_used_bytes", ("gpu", i)).ToDictionary(s => s.Labels["pid"]);
        c.Equal($"{p}/processes: PIDs", string.Join(",", merged.Keys), string.Join(",", exported.Keys.Order(StringComparer.Ordinal)));
        foreach (var (pid, (memory, partition)) in merged)
        {
            if (exported.TryGetValue(pid, out var s))
            {
                c.Equal($"{p}/processes/{pid} memory", memory, s.Value);
                c.Equal($"{p}/processes/{pid} partition", partition, s.Labels["partition"]);
            }
        }

        // Samples exist for busy processes outside MIG; MPS clients have none (NVML charges the server).
        var sampled = new SortedSet<string>(StringComparer.Ordinal);
        if (!c.Failed($"{p}/process_utilization", "NotSupported") && !c.Failed($"{p}/process_utilization", "NotFound"))
        {
            var prefix = $"{p}/process_utilization/";
            foreach (var key in c.Keys(prefix).Where(k => k.EndsWith("/sm", StringComparison.Ordinal)).ToList())
            {
                var pid = key[prefix.Length..^"/sm".Length];
                sampled.Add(pid);
                c.Metric(key, 0.01, "gpuqos_process_sm_utilization_ratio", ("gpu", i), ("pid", pid));
                c.Metric(prefix + pid + "/memory", 0.01, "gpuqos_process_memory_bandwidth_utilization_ratio", ("gpu", i), ("pid", pid));
            }
        }

        var exportedUtilization = c.Series("gpuqos_process_sm_utilization_ratio", ("gpu", i)).Select(s => s.Labels["pid"]).Order(StringComparer.Ordinal);
        c.Equal($"{p}/process_utilization: PIDs", string.Join(",", sampled), string.Join(",", exportedUtilization));
    }

    private static void CompareMig(ClientReadings c, string p, string i)
    {
        var exported = c.Series("gpuqos_partition_info", ("gpu", i), ("partition_kind", "mig")).ToDictionary(s => s.Labels["partition"]);
        var enabled = !c.Failed($"{p}/mig/mode", "NotSupported") && c.Text($"{p}/mig/mode") == "1";
        var slots = c.Keys($"{p}/mig/").Where(k => k.EndsWith("/uuid", StringComparison.Ordinal)).Select(k => k[..^"/uuid".Length]).ToList();
        c.Equal($"{p}/mig: instances", enabled ? slots.Count : 0, exported.Count);
        foreach (var slot in slots)
        {
            var partition = c.Text(slot + "/instance")!;
            if (!exported.TryGetValue(partition, out var info))
            {
                c.Mismatches.Add($"{slot}: {partition} is not exported");
                continue;
            }

            var labels = new[] { ("gpu", i), ("partition", partition) };
            c.Equal(slot + "/uuid", c.Text(slot + "/uuid"), info.Labels["partition_uuid"]);
            c.Equal(slot + "/by_uuid", c.Text(slot + "/by_uuid"), "gi" + info.Labels["gpu_instance"]);
            c.Metric(slot + "/memory/total", 1, "gpuqos_partition_memory_total_bytes", labels);
            c.Metric(slot + "/memory/used", 1, "gpuqos_partition_memory_used_bytes", labels);
            c.Equal(slot + "/memory/free", c.Number(slot + "/memory/total") - c.Number(slot + "/memory/used"), c.Number(slot + "/memory/free"));
        }
    }
}
