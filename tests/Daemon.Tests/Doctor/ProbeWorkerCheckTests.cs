using GpuQos.Backends.Simulation;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Doctor;
using GpuQos.IsolationProbes.Audit;
using GpuQos.IsolationProbes.Kernels;

namespace GpuQos.Daemon.Tests.Doctor;

/// <summary>
/// <c>gpuqos doctor</c>'s probe check when the worker executable cannot be started: one failed check that names
/// the setting, instead of a preflight per device that fails to start a process.
/// </summary>
public sealed class ProbeWorkerCheckTests
{
    [Fact]
    public async Task Checkup_WorkerPathGone_OneFailedProbeCheckNamingTheSetting()
    {
        // Validated when the configuration was loaded, then removed: what doctor sees on a host where a package
        // was half removed. Built in code, since the binder would refuse the missing file before doctor ran.
        var missing = Path.Combine(Path.GetTempPath(), $"gpuqos-removed-{Guid.NewGuid():N}", "gpuqos-probe");
        var report = await CheckupAsync(new AuditOptions { Enabled = true, Accelerator = AcceleratorChoice.Cpu, WorkerPath = missing });

        var check = Assert.Single(report.Checks, c => c.Feature == "probe");
        Assert.Equal(DoctorStatus.Failed, check.Status);
        Assert.Equal("missing", check.Result);
        Assert.True(check.Blocking);
        Assert.Equal($"audit.workerPath: '{missing}' does not exist", check.Detail);
    }

    [Fact]
    public async Task Checkup_WorkerBesideGpuqos_RunsTheRealPreflight()
    {
        // The control: with nothing configured, the worker the build put beside gpuqos.dll runs its preflight.
        var report = await CheckupAsync(new AuditOptions { Accelerator = AcceleratorChoice.Cpu });

        var check = Assert.Single(report.Checks, c => c.Feature == "probe");
        Assert.True(check.Status == DoctorStatus.Ok, check.Detail);
        Assert.Contains("a test kernel compiled and ran", check.Detail, StringComparison.Ordinal);
    }

    private static async Task<DoctorReport> CheckupAsync(AuditOptions audit)
    {
        using var backend = new SimulatedBackend(ScenarioLoader.Demo(), TimeProvider.System);
        return await HostCheckup.RunAsync(new CheckupRequest(new GpuQosOptions { Audit = audit }, "/proc", Probe: true), backend, null, CancellationToken.None);
    }
}
