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

        // The checkup runs beside the first collection, so the first scrape can come before its results (seen
        // once in a clean CI run, 2026-12-07): wait for them, as the test below does.
        IReadOnlyList<Sample> samples = [];
        for (var i = 0; i < 100 && !samples.Any(s => s.Name == "gpuqos_capability"); i++)
        {
            samples = ExpositionParser.Parse(await daemon.ScrapeAsync());
            await Task.Delay(100);
        }

        double Capability(string gpu, string feature) => samples.Single(s => s.Name == "gpuqos_capability" && s.Labels["gpu"] == gpu && s.Labels["feature"] == feature).Value;
        Assert.Equal(0, Capability("", "pid-namespace"));
        Assert.Equal(1, Capability("1", "lock-clocks"));
        Assert.Equal(0, Capability("0", "nvmlDeviceGetUtilizationRates")); // NOT_SUPPORTED in MIG mode
        Assert.Equal(1, Capability("0", "nvmlDeviceGetMemoryInfo_v2"));

        await daemon.StopAsync();
        Assert.Equal(1, daemon.Output.Split('\n').Count(l => l.Contains("Doctor: nvml backend, driver 580.82.07", StringComparison.Ordinal)));
        Assert.Contains("Doctor: host pid-namespace cannot work (foreign)", daemon.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NoPermissionSeenByTheCheckup_IsStillCountedOnceInNvmlErrors()
    {
        // NVML raises NO_PERMISSION once and the backend skips the call afterwards: the checkup and the first
        // collection race to read it, and whichever does must count it, once (GpuReadingsTests pins the checkup).
        using var procfs = PidNamespaceFixture.Host();
        var fixture = stub.Fixture([.. File.ReadAllLines(NvmlStubBuild.DemoFixture), "fault fn=nvmlDeviceGetTemperatureV gpu=1 code=NO_PERMISSION"]);
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "nvml", "--procfs-root", procfs.Root], NvmlStubBuild.Environment(fixture));

        IReadOnlyList<Sample> samples = [];
        for (var i = 0; i < 100 && !samples.Any(s => s.Name == "gpuqos_capability"); i++)
        {
            samples = ExpositionParser.Parse(await daemon.ScrapeAsync());
            await Task.Delay(100);
        }

        Assert.Equal(1, samples.Single(s => s.Name == "gpuqos_nvml_errors_total" && s.Labels["function"] == "nvmlDeviceGetTemperatureV").Value);
        Assert.Equal("NO_PERMISSION", samples.Single(s => s.Name == "gpuqos_nvml_errors_total").Labels["code"]);
        Assert.Equal(0, samples.Single(s => s.Name == "gpuqos_capability" && s.Labels["gpu"] == "1" && s.Labels["feature"] == "nvmlDeviceGetTemperatureV").Value);
    }
}
