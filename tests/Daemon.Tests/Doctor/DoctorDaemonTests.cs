using GpuQos.Collectors.Tests.Attribution;
using GpuQos.Daemon.Tests.Nvml;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Doctor;

/// <summary>The daemon runs the doctor's checks once at start: one summary in the log, and gpuqos_capability.</summary>
public sealed class DoctorDaemonTests(NvmlStubBuild stub) : IClassFixture<NvmlStubBuild>
{
    [Fact]
    public async Task Run_ForeignPidNamespace_LogsTheSummaryOnceAndExposesCapabilities()
    {
        _ = stub;
        using var procfs = PidNamespaceFixture.Container();
        using var dir = new TempDir();
        var config = dir.Write("gpuqos.yaml", File.ReadAllText(RepoPaths.Combine("scenarios", "demo-config.yaml"))
            .Replace("  mode: enforce", $"  mode: enforce\n  journal: {Path.Combine(dir.Path, "actions.jsonl")}", StringComparison.Ordinal));
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "nvml", "--config", config, "--procfs-root", procfs.Root], NvmlStubBuild.Environment(NvmlStubBuild.DemoFixture));

        var samples = ExpositionParser.Parse(await daemon.ScrapeAsync());
        double Capability(string gpu, string feature) => samples.Single(s => s.Name == "gpuqos_capability" && s.Labels["gpu"] == gpu && s.Labels["feature"] == feature).Value;
        Assert.Equal(0, Capability("", "pid-namespace"));
        Assert.Equal(1, Capability("1", "lock-clocks"));
        Assert.Equal(0, Capability("0", "nvmlDeviceGetUtilizationRates")); // NOT_SUPPORTED in MIG mode
        Assert.Equal(1, Capability("0", "nvmlDeviceGetMemoryInfo_v2"));

        await daemon.StopAsync();
        Assert.Equal(1, daemon.Output.Split('\n').Count(l => l.Contains("Doctor: nvml backend, driver 580.82.07", StringComparison.Ordinal)));
        Assert.Contains("Doctor: host pid-namespace cannot work (foreign)", daemon.Output, StringComparison.Ordinal);
    }
}
