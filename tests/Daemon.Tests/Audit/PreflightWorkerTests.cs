using GpuQos.IsolationProbes.Worker;

namespace GpuQos.Daemon.Tests.Audit;

/// <summary>The preflight through a real probe worker (<c>gpuqos-probe --preflight</c>).</summary>
public sealed class PreflightWorkerTests
{
    [Fact]
    public async Task CheckAsync_CpuPartition_WorkerCompilesAndRunsTheTestKernel()
    {
        var readiness = await new WorkerPreflight(ProbeWorkers.Launch, TimeSpan.FromSeconds(60))
            .CheckAsync(ProbeWorkers.Cpu("cpu0", 0), CancellationToken.None);

        Assert.True(readiness.Ready, readiness.Detail);
        Assert.Equal("cpu", readiness.Accelerator);
        Assert.Contains("test kernel compiled and ran", readiness.Detail, StringComparison.Ordinal);
    }
}
