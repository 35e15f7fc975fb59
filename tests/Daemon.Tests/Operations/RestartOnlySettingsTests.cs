using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Hosting;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Daemon.Tests.Operations;

/// <summary>
/// The process actuator and its exclusion list are built once at start, so a reload that changes
/// <c>enforcement.actOnMpsServer</c> says it waits for a restart (event 8005) instead of seeming applied.
/// </summary>
public sealed class RestartOnlySettingsTests
{
    [Fact]
    public void RestartOnly_ActOnMpsServerChanged_Named()
    {
        var old = new GpuQosOptions();
        var next = new GpuQosOptions { Enforcement = new EnforcementOptions { ActOnMpsServer = true } };

        Assert.Equal(["enforcement.actOnMpsServer"], ConfigReloader.RestartOnly(old, next));
        Assert.Empty(ConfigReloader.RestartOnly(old, new GpuQosOptions()));
    }

    [Fact]
    public void RestartOnly_WorkloadMetricsChanged_Named()
    {
        // The readers of latency and throughput sources take their timeout, cap and server at start.
        var old = new GpuQosOptions();
        var next = new GpuQosOptions { Enforcement = new EnforcementOptions { WorkloadMetrics = new WorkloadMetricsOptions { Timeout = TimeSpan.FromSeconds(3) } } };

        Assert.Equal(["enforcement.workloadMetrics"], ConfigReloader.RestartOnly(old, next));
    }
}
