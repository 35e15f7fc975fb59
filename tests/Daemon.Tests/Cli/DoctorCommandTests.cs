using System.Text.Json;
using GpuQos.Collectors.Tests.Attribution;
using GpuQos.Daemon.Tests.Nvml;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Cli;

/// <summary>
/// <c>gpuqos doctor</c> as an operator runs it: the real CLI over the NVML stand-in (or the simulated host),
/// with procfs fixture trees for the PID namespace and privileges, and stand-in faults for NVML codes.
/// </summary>
public sealed class DoctorCommandTests(NvmlStubBuild stub) : IClassFixture<NvmlStubBuild>
{
    [Fact]
    public async Task Doctor_DemoFixture_ReportsVersionsCapabilitiesReadingsAndControlsAndExits0()
    {
        using var procfs = PidNamespaceFixture.Host();
        using var dir = new TempDir();
        var (code, report, stderr) = await DoctorAsync(dir, procfs, DemoConfig(dir));

        Assert.True(code == 0, Problems(report) + stderr);
        Assert.False(report.GetProperty("simulated").GetBoolean());
        Assert.Equal(("580.82.07", "13.580.82.07", "13.0"), (Text(report, "driverVersion"), Text(report, "nvmlVersion"), Text(report, "cudaDriverVersion")));
        var gpus = report.GetProperty("gpus").EnumerateArray().ToList();
        Assert.Equal(["9.0", "8.0", "8.9", "8.0", "8.6"], gpus.Select(g => Text(g, "computeCapability")));
        Assert.Equal(["mig", "time-sliced", "vgpu", "mps", "exclusive"], gpus.Select(g => Text(g, "mode")));

        // Every reading once, with its code: whole-device utilization is NOT_SUPPORTED in MIG mode, as on a driver.
        Assert.Equal(("NOT_SUPPORTED", "warning"), Result(report, 0, "nvmlDeviceGetUtilizationRates"));
        Assert.Equal(("ok", "ok"), Result(report, 1, "nvmlDeviceGetUtilizationRates"));
        Assert.Equal(("ok", "ok"), Result(report, 1, "read-processes"));
        Assert.Equal(("ok", "ok"), Result(report, 2, "nvmlDeviceGetVgpuSchedulerState"));

        // The demo's controls: lock-clocks on GPU 1 only, read back; throttle needs CAP_KILL and the host's PIDs.
        Assert.Contains("SM clock 1410 MHz of 1410 MHz max, not locked", Check(report, 1, "lock-clocks").Detail, StringComparison.Ordinal);
        Assert.Null(Find(report, 0, "lock-clocks"));
        Assert.Equal(("host", "ok"), Result(report, null, "pid-namespace"));
        Assert.Equal(("ok", "ok"), Result(report, null, "throttle"));
        Assert.Contains("CAP_KILL effective", Check(report, null, "throttle").Detail, StringComparison.Ordinal);
        Assert.Contains(" writable", Check(report, null, "journal").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_DemoFixture_TableSaysEverythingCanWork()
    {
        using var procfs = PidNamespaceFixture.Host();
        using var dir = new TempDir();
        var (code, stdout, _) = await DaemonProcess.RunToEndAsync(
            ["doctor", "--backend", "nvml", "--config", DemoConfig(dir), "--procfs-root", procfs.Root, "--no-probe"], NvmlStubBuild.Environment(NvmlStubBuild.DemoFixture));

        Assert.Equal(0, code);
        Assert.Contains("driver 580.82.07, NVML 13.580.82.07, CUDA 13.0", stdout, StringComparison.Ordinal);
        Assert.Contains("│ 0   │ NVIDIA H100 80GB HBM3 │ GPU-5718bf04-4d24-8724-67e4-989ef5ab4381 │ mig ", stdout, StringComparison.Ordinal);
        Assert.Contains("everything the configuration asks for can work", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_NoPermissionOnAReading_FailsNamingItAndStillReadsTheOthers()
    {
        using var procfs = PidNamespaceFixture.Host();
        using var dir = new TempDir();
        var fixture = stub.Fixture([.. File.ReadAllLines(NvmlStubBuild.DemoFixture), "fault fn=nvmlDeviceGetTemperatureV gpu=1 code=NO_PERMISSION"]);
        var (code, report, _) = await DoctorAsync(dir, procfs, DemoConfig(dir), fixture);

        Assert.Equal(1, code);
        var problem = Assert.Single(report.GetProperty("problems").EnumerateArray());
        Assert.Equal((1, "nvmlDeviceGetTemperatureV", "NO_PERMISSION"), (problem.GetProperty("gpu").GetInt32(), Text(problem, "feature"), Text(problem, "result")));

        // The device reading went on past the refused call: compute mode comes after temperature.
        Assert.Equal(("ok", "ok"), Result(report, 1, "nvmlDeviceGetComputeMode"));
        Assert.Equal(("ok", "ok"), Result(report, 0, "nvmlDeviceGetTemperatureV"));
    }

    [Fact]
    public async Task Doctor_NotSupportedReading_IsAWarningNotAFailure()
    {
        using var procfs = PidNamespaceFixture.Host();
        using var dir = new TempDir();
        var fixture = stub.Fixture([.. File.ReadAllLines(NvmlStubBuild.DemoFixture), "fault fn=nvmlDeviceGetPowerUsage gpu=4 code=NOT_SUPPORTED"]);
        var (code, report, _) = await DoctorAsync(dir, procfs, DemoConfig(dir), fixture);

        Assert.Equal(0, code);
        Assert.Equal(("NOT_SUPPORTED", "warning"), Result(report, 4, "nvmlDeviceGetPowerUsage"));
        Assert.Equal(("ok", "ok"), Result(report, 3, "nvmlDeviceGetPowerUsage"));
    }

    [Fact]
    public async Task Doctor_ForeignPidNamespace_FailsBecauseThrottleWouldSignalOtherProcesses()
    {
        using var procfs = PidNamespaceFixture.Container();
        using var dir = new TempDir();
        var (code, report, _) = await DoctorAsync(dir, procfs, DemoConfig(dir));

        Assert.Equal(1, code);
        var problem = Assert.Single(report.GetProperty("problems").EnumerateArray());
        Assert.Equal(("pid-namespace", "foreign"), (Text(problem, "feature"), Text(problem, "result")));
        Assert.Contains(PidNamespaceFixture.ContainerNamespace, Text(problem, "detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_WithoutPrivileges_NamesEachControlItCannotUseButNotTheDryRunOnes()
    {
        using var procfs = PidNamespaceFixture.Host().WithoutPrivileges();
        using var dir = new TempDir();
        var (code, report, _) = await DoctorAsync(dir, procfs, DemoConfig(dir));

        Assert.Equal(1, code);
        Assert.Equal(
            ["GPU 1 lock-clocks no-privilege", "host throttle no-privilege"],
            report.GetProperty("problems").EnumerateArray().Select(p => $"{Text(p, "where")} {Text(p, "feature")} {Text(p, "result")}"));
        Assert.Contains("run as root or grant CAP_KILL", Check(report, null, "throttle").Detail, StringComparison.Ordinal);

        // research-memory-ceiling is dry-run: its renice is reported, not required.
        var priority = Check(report, null, "priority");
        Assert.Equal(("no-privilege", false), (priority.Result, priority.Required));
    }

    [Fact]
    public async Task Doctor_ControlsReadBack_PowerLimitWithConstraintsComputeModeAndAFailedReadBack()
    {
        using var procfs = PidNamespaceFixture.Host();
        using var dir = new TempDir();
        var config = dir.Write("gpuqos.yaml", $$"""
            enforcement: {journal: {{Path.Combine(dir.Path, "actions.jsonl")}}}
            tenants: [{name: a, match: [{user: a}]}]
            policies:
              - {name: cap, tenant: a, gpus: [1, 4], objectives: [{type: max-memory, bytes: 1GiB}], actions: [{type: power-limit, watts: 120}, {type: compute-mode, computeMode: exclusive-process}]}
            """);
        var fixture = stub.Fixture([.. File.ReadAllLines(NvmlStubBuild.DemoFixture), "fault fn=nvmlDeviceGetPowerManagementLimit gpu=4 code=NO_PERMISSION"]);
        var (code, report, _) = await DoctorAsync(dir, procfs, config, fixture);

        Assert.Equal(1, code);
        Assert.Equal("power limit 400 W, settable 100-400 W; uid 0, CAP_SYS_ADMIN effective", Check(report, 1, "power-limit").Detail);
        Assert.Contains("compute mode", Check(report, 1, "compute-mode").Detail, StringComparison.Ordinal);
        Assert.Equal(("NO_PERMISSION", "failed"), Result(report, 4, "power-limit"));
        Assert.Contains("cannot be read back", Check(report, 4, "power-limit").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_MpsControl_PipeMissingFailsAndTheWrongModeIsNotApplicable()
    {
        using var procfs = PidNamespaceFixture.Host();
        using var dir = new TempDir();
        // The control program is there; only its pipe is not.
        var binary = Path.Combine(Directory.CreateDirectory(Path.Combine(dir.Path, "bin")).FullName, "nvidia-cuda-mps-control");
        File.WriteAllText(binary, "#!/bin/sh\nexit 0\n");
        var config = dir.Write("gpuqos.yaml", $$"""
            enforcement:
              journal: {{Path.Combine(dir.Path, "actions.jsonl")}}
              mps: {controlBinary: {{binary}}, pipeDirectory: {{Path.Combine(dir.Path, "no-mps-here")}} }
            tenants: [{name: a, match: [{user: a}]}]
            policies:
              - {name: mps, tenant: a, gpus: [1, 3], objectives: [{type: max-memory, bytes: 1GiB}], actions: [{type: mps-threads, percentage: 50}]}
            """);
        var environment = NvmlStubBuild.Environment(NvmlStubBuild.DemoFixture);
        var (code, report, _) = await DoctorAsync(dir, procfs, config, environment: environment);

        Assert.Equal(1, code);
        Assert.Equal(("missing", "failed"), Result(report, 3, "mps-threads"));
        Assert.Contains("no MPS control pipe", Check(report, 3, "mps-threads").Detail, StringComparison.Ordinal);
        Assert.Equal(("not-applicable", "warning"), Result(report, 1, "mps-threads"));

        // No policy may set the vGPU scheduler; on a vGPU GPU doctor still says which is in force and what it accepts.
        Assert.Equal(("ok", "ok"), Result(report, 2, "vgpu-scheduler"));
        Assert.Contains("scheduler BestEffort, time slice 2000 us; accepts policies BestEffort/EqualShare/FixedShare, time slice 1-30 ms, adaptive round robin supported", Check(report, 2, "vgpu-scheduler").Detail, StringComparison.Ordinal);
        Assert.All(new int?[] { 0, 1, 3, 4, null }, gpu => Assert.Null(Find(report, gpu, "vgpu-scheduler")));
    }

    [Fact]
    public async Task Doctor_MpsControlDaemonRunning_PipeWritableIsOk()
    {
        using var procfs = PidNamespaceFixture.Host();
        using var dir = new TempDir();
        var bin = Directory.CreateDirectory(Path.Combine(dir.Path, "bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "nvidia-cuda-mps-control"), "#!/bin/sh\nexit 0\n");
        var pipes = Directory.CreateDirectory(Path.Combine(dir.Path, "mps")).FullName;
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [Path.Combine(pipes, "control")]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // The binary and pipe directory come from enforcement.mps, as the enforcer's do, not from PATH or the environment.
        var config = dir.Write("gpuqos.yaml", $$"""
            enforcement:
              journal: {{Path.Combine(dir.Path, "actions.jsonl")}}
              mps: {controlBinary: {{Path.Combine(bin, "nvidia-cuda-mps-control")}}, pipeDirectory: {{pipes}} }
            tenants: [{name: a, match: [{user: a}]}]
            policies:
              - {name: mps, tenant: a, gpus: [3], objectives: [{type: max-memory, bytes: 1GiB}], actions: [{type: mps-threads, percentage: 50}]}
            """);
        var environment = NvmlStubBuild.Environment(NvmlStubBuild.DemoFixture);
        var (code, report, _) = await DoctorAsync(dir, procfs, config, environment: environment);

        Assert.Equal(0, code);
        Assert.Equal(("ok", "ok"), Result(report, 3, "mps-threads"));
        Assert.Contains("writable", Check(report, 3, "mps-threads").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_JournalDirectoryMissing_FailsNamingIt()
    {
        using var procfs = PidNamespaceFixture.Host();
        using var dir = new TempDir();
        var missing = Path.Combine(dir.Path, "nowhere", "actions.jsonl");
        var config = dir.Write("gpuqos.yaml", File.ReadAllText(RepoPaths.Combine("scenarios", "demo-config.yaml")).Replace("  mode: enforce", $"  mode: enforce\n  journal: {missing}", StringComparison.Ordinal));
        var (code, report, _) = await DoctorAsync(dir, procfs, config);

        Assert.Equal(1, code);
        Assert.Equal(("missing", "failed"), Result(report, null, "journal"));
        Assert.Contains("install -d -m 0700", Check(report, null, "journal").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_SimulatedHost_SaysSoAndRunsTheRealProbePreflight()
    {
        var (code, stdout, stderr) = await DaemonProcess.RunToEndAsync(["doctor", "--backend", "sim", "--json"]);

        Assert.True(code == 0, stdout + stderr);
        using var document = JsonDocument.Parse(stdout);
        var report = document.RootElement.Clone();
        Assert.True(report.GetProperty("simulated").GetBoolean());
        Assert.Equal("simulated", Text(report, "driverVersion"));
        Assert.Equal(("ok", "ok"), Result(report, 1, "read-processes"));
        Assert.Contains("simulated host", Check(report, null, "pid-namespace").Detail, StringComparison.Ordinal);
        Assert.Contains("a test kernel compiled and ran", Check(report, null, "probe").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_BadConfiguration_Exits2()
    {
        using var dir = new TempDir();
        var (code, _, stderr) = await DaemonProcess.RunToEndAsync(["doctor", "--backend", "sim", "--config", dir.Write("bad.yaml", "policies: [{name: x}]")]);

        Assert.Equal(2, code);
        Assert.Contains("policies[0]", stderr, StringComparison.Ordinal);
    }

    private static string DemoConfig(TempDir dir) => dir.Write("gpuqos.yaml", File.ReadAllText(RepoPaths.Combine("scenarios", "demo-config.yaml"))
        .Replace("  mode: enforce", $"  mode: enforce\n  journal: {Path.Combine(dir.Path, "actions.jsonl")}", StringComparison.Ordinal));

    private static async Task<(int Code, JsonElement Report, string Stderr)> DoctorAsync(TempDir dir, PidNamespaceFixture procfs, string config, string? fixture = null, Dictionary<string, string>? environment = null)
    {
        _ = dir;
        var (code, stdout, stderr) = await DaemonProcess.RunToEndAsync(
            ["doctor", "--backend", "nvml", "--config", config, "--procfs-root", procfs.Root, "--no-probe", "--json"],
            environment ?? NvmlStubBuild.Environment(fixture ?? NvmlStubBuild.DemoFixture));
        Assert.True(stdout.TrimStart().StartsWith('{'), $"exit {code}: {stdout}{stderr}");
        using var document = JsonDocument.Parse(stdout);
        return (code, document.RootElement.Clone(), stderr);
    }

    private static (string Result, string Status) Result(JsonElement report, int? gpu, string feature)
    {
        var check = Check(report, gpu, feature);
        return (check.Result, check.Status);
    }

    private static (string Result, string Status, bool Required, string Detail) Check(JsonElement report, int? gpu, string feature) =>
        Find(report, gpu, feature) ?? throw new Xunit.Sdk.XunitException($"no check {feature} for {(gpu is null ? "the host" : "GPU " + gpu)}");

    private static (string Result, string Status, bool Required, string Detail)? Find(JsonElement report, int? gpu, string feature)
    {
        foreach (var c in report.GetProperty("checks").EnumerateArray())
        {
            var where = c.TryGetProperty("gpu", out var g) && g.ValueKind == JsonValueKind.Number ? g.GetInt32() : (int?)null;
            if (where == gpu && Text(c, "feature") == feature)
            {
                return (Text(c, "result"), Text(c, "status"), c.GetProperty("required").GetBoolean(), Text(c, "detail"));
            }
        }

        return null;
    }

    private static string Problems(JsonElement report) =>
        string.Join(Environment.NewLine, report.GetProperty("problems").EnumerateArray().Select(p => $"{Text(p, "where")} {Text(p, "feature")}: {Text(p, "detail")}"));

    private static string Text(JsonElement e, string name) => e.GetProperty(name).ToString();
}
