using System.Globalization;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Nvml;

/// <summary>
/// The daemon over fixtures converted from dumps of real GPUs (<c>scripts/nvml-fixture-from-smi.py</c>): it
/// must export exactly what each dump holds. The expected values are transcribed from the dumps themselves, so
/// a fault in the conversion fails here as surely as one in the stand-in or the daemon.
/// </summary>
public sealed class NvmlRealDeviceTests(NvmlStubBuild stub) : IClassFixture<NvmlStubBuild>
{
    private const double MiB = 1 << 20;

    public static TheoryData<string> Devices => [.. Dumps.Keys];

    private static readonly Dictionary<string, RealDevice> Dumps = new RealDevice[]
    {
        // influxdata/telegraf plugins/inputs/nvidia_smi/testdata/a100-sxm4-v12.xml: an A100 80GB in MIG mode,
        // four 1g.20gb instances, idle (its <processes /> is empty); driver 535.54.03.
        new("a100-sxm4-80gb-mig", "NVIDIA A100-SXM4-80GB", "GPU-513536b6-7d19-9063-b049-1e69664bb298", "00000000:01:00.0",
            TotalMiB: 81920, ReservedMiB: 869, UsedMiB: 50, TemperatureC: 27, PowerW: 67.03, PowerLimitW: 500,
            SmMHz: 1275, SmMaxMHz: 1410, MemoryMHz: 1593, Utilization: null, PcieTxKBs: 4000, PcieRxKBs: 0,
            Mig: [new(3, 0, 14, 19968, 12), new(4, 0, 14, 19968, 12), new(5, 0, 14, 19968, 12), new(6, 0, 14, 19968, 12)],
            Processes: []),

        // utkuozdemir/nvidia_gpu_exporter internal/captures/linux-x86_64__nvidia-h100-mig__590.48.01.txt, load:
        // an H100 80GB in MIG mode (3g.40gb, 2g.20gb, 2 x 1g.10gb), three processes in GPU instance 2.
        new("h100-mig", "NVIDIA H100 80GB HBM3", "GPU-00000000-0000-0000-0000-000000000000", "00000000:00:09.0",
            TotalMiB: 81559, ReservedMiB: 479, UsedMiB: 11125, TemperatureC: 53, PowerW: 432.21, PowerLimitW: 700,
            SmMHz: 1980, SmMaxMHz: 1980, MemoryMHz: 2619, Utilization: null, PcieTxKBs: 9139, PcieRxKBs: 19191,
            Mig: [new(2, 0, 60, 40448, 11091), new(3, 0, 32, 20096, 17), new(9, 0, 16, 9984, 9), new(10, 0, 16, 9984, 9)],
            Processes: [new(21180, "/root/tools/memhog", 2296, 2, 0), new(21181, "/root/tools/memhog", 1272, 2, 0), new(21198, "./gpu_burn", 7484, 2, 0)]),

        // utkuozdemir/nvidia_gpu_exporter internal/captures/linux-x86_64__nvidia-h100-80gb-hbm3__590.48.01.txt,
        // load: a whole H100 80GB time-shared by three processes.
        new("h100-80gb-hbm3", "NVIDIA H100 80GB HBM3", "GPU-00000000-0000-0000-0000-000000000000", "00000000:00:09.0",
            TotalMiB: 81559, ReservedMiB: 479, UsedMiB: 19818, TemperatureC: 59, PowerW: 629.45, PowerLimitW: 700,
            SmMHz: 1980, SmMaxMHz: 1980, MemoryMHz: 2619, Utilization: (100, 11), PcieTxKBs: 3092, PcieRxKBs: 6346,
            Mig: [],
            Processes: [new(11327, "/root/tools/memhog", 2566, null, null), new(11328, "/root/tools/memhog", 1542, null, null), new(11345, "./gpu_burn", 15690, null, null)]),
    }.ToDictionary(d => d.Fixture);

    [Theory]
    [MemberData(nameof(Devices))]
    public async Task Run_RealDeviceFixture_ExportsExactlyWhatTheDumpHolds(string name)
    {
        var d = Dumps[name];
        var fixture = RepoPaths.Combine("tests", "NvmlStub", "fixtures", "real", name + ".fixture");
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "nvml", "--procfs-root", stub.EmptyProcfs()], NvmlStubBuild.Environment(fixture));
        var samples = ExpositionParser.Parse(await daemon.ScrapeAsync());
        var gpu = ("gpu", "0");
        var errors = new List<string>();
        void Expect(string metric, double expected, params (string Label, string Value)[] labels)
        {
            var found = samples.Where(s => s.Name == metric && labels.All(l => s.Labels.GetValueOrDefault(l.Label) == l.Value)).ToList();
            if (found.Count != 1 || Math.Abs(found[0].Value - expected) > 1e-9 * Math.Max(1, Math.Abs(expected)))
            {
                errors.Add($"{metric}{{{string.Join(",", labels.Select(l => $"{l.Label}={l.Value}"))}}}: want {expected.ToString(CultureInfo.InvariantCulture)}, got [{string.Join(", ", found.Select(s => s.Value.ToString(CultureInfo.InvariantCulture)))}]");
            }
        }

        var info = Assert.Single(samples, s => s.Name == "gpuqos_gpu_info");
        Assert.Equal((d.Name, d.Uuid, d.PciBusId, d.Mig.Length > 0 ? "mig" : "time-sliced"), (info.Labels["name"], info.Labels["uuid"], info.Labels["pci_bus_id"], info.Labels["mode"]));
        Expect("gpuqos_gpu_memory_total_bytes", d.TotalMiB * MiB, gpu);

        // nvidia-smi's Used leaves out the driver's reservation (NVML's nvmlMemory_v2_t); GpuQos counts it in.
        Expect("gpuqos_gpu_memory_used_bytes", (d.UsedMiB + d.ReservedMiB) * MiB, gpu);
        Expect("gpuqos_gpu_memory_reserved_bytes", d.ReservedMiB * MiB, gpu);
        Expect("gpuqos_gpu_temperature_celsius", d.TemperatureC, gpu);
        Expect("gpuqos_gpu_power_watts", d.PowerW, gpu);
        Expect("gpuqos_gpu_power_limit_watts", d.PowerLimitW, gpu);
        Expect("gpuqos_gpu_sm_clock_hertz", d.SmMHz * 1e6, gpu);
        Expect("gpuqos_gpu_sm_clock_max_hertz", d.SmMaxMHz * 1e6, gpu);
        Expect("gpuqos_gpu_memory_clock_hertz", d.MemoryMHz * 1e6, gpu);
        Expect("gpuqos_gpu_pcie_throughput_bytes_per_second", d.PcieTxKBs * 1024, gpu, ("direction", "tx"));
        Expect("gpuqos_gpu_pcie_throughput_bytes_per_second", d.PcieRxKBs * 1024, gpu, ("direction", "rx"));
        if (d.Utilization is { } u)
        {
            Expect("gpuqos_gpu_sm_utilization_ratio", u.Gpu / 100, gpu);
            Expect("gpuqos_gpu_memory_bandwidth_utilization_ratio", u.Memory / 100, gpu);
        }
        else
        {
            // N/A in the dump (MIG mode): no series rather than a made-up 0.
            Assert.DoesNotContain(samples, s => s.Name is "gpuqos_gpu_sm_utilization_ratio" or "gpuqos_gpu_memory_bandwidth_utilization_ratio");
        }

        var partitions = samples.Where(s => s.Name == "gpuqos_partition_info" && s.Labels["partition_kind"] == "mig").ToList();
        Assert.Equal(d.Mig.Select(m => $"gi{m.GpuInstance}-ci{m.ComputeInstance}").Order(StringComparer.Ordinal), partitions.Select(p => p.Labels["partition"]).Order(StringComparer.Ordinal));
        foreach (var m in d.Mig)
        {
            var partition = ("partition", $"gi{m.GpuInstance}-ci{m.ComputeInstance}");
            Expect("gpuqos_partition_memory_total_bytes", m.TotalMiB * MiB, gpu, partition);
            Expect("gpuqos_partition_memory_used_bytes", m.UsedMiB * MiB, gpu, partition);
            Expect("gpuqos_partition_multiprocessors", m.Sms, gpu, partition);
        }

        var processes = samples.Where(s => s.Name == "gpuqos_process_memory_used_bytes").ToList();
        Assert.Equal(d.Processes.Select(p => p.Pid.ToString(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal), processes.Select(p => p.Labels["pid"]).Order(StringComparer.Ordinal));
        foreach (var p in d.Processes)
        {
            var partition = p.GpuInstance is { } gi ? $"gi{gi}-ci{p.ComputeInstance}" : "whole";
            Expect("gpuqos_process_memory_used_bytes", p.UsedMiB * MiB, gpu, ("pid", p.Pid.ToString(CultureInfo.InvariantCulture)), ("process", p.Name), ("partition", partition));
        }

        // The dumps hold no per-process utilization: none is exported.
        Assert.DoesNotContain(samples, s => s.Name is "gpuqos_process_sm_utilization_ratio" or "gpuqos_process_memory_bandwidth_utilization_ratio");
        Assert.DoesNotContain(samples, s => s.Name == "gpuqos_nvml_errors_total");
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    [Fact]
    public void RealDeviceFixtures_EachNamesItsSourceAndHasADump()
    {
        var folder = RepoPaths.Combine("tests", "NvmlStub", "fixtures", "real");
        var fixtures = Directory.GetFiles(folder, "*.fixture").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
        Assert.Equal(Dumps.Keys.Order(StringComparer.Ordinal), fixtures);
        foreach (var name in Dumps.Keys)
        {
            var header = File.ReadLines(Path.Combine(folder, name + ".fixture")).TakeWhile(l => l.StartsWith('#')).ToList();
            Assert.Contains(header, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^# source: [\w.-]+/[\w.-]+@[0-9a-f]{40}:\S+$"));
            Assert.Single(Directory.GetFiles(folder, name + ".*"), f => !f.EndsWith(".fixture", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task RealDeviceFixtures_AreWhatTheConversionScriptMakesOfTheDumps()
    {
        var folder = RepoPaths.Combine("tests", "NvmlStub", "fixtures", "real");
        var output = Directory.CreateDirectory(Path.Combine(stub.WorkDir, "converted-" + Guid.NewGuid().ToString("N"))).FullName;
        var (code, log) = await Observability.ExternalTool.RunAsync("bash", [Path.Combine(folder, "convert.sh"), output]);
        Assert.True(code == 0, log);
        foreach (var name in Dumps.Keys)
        {
            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(folder, name + ".fixture")), await File.ReadAllTextAsync(Path.Combine(output, name + ".fixture")));
        }
    }
}
