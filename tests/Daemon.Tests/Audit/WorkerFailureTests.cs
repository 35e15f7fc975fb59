using GpuQos.IsolationProbes.Audit;
using GpuQos.IsolationProbes.Kernels;
using GpuQos.IsolationProbes.Worker;

namespace GpuQos.Daemon.Tests.Audit;

/// <summary>The coordinator's handling of workers that cannot start, hang or are asked nonsense.</summary>
[Collection(ProbeWorkerCollection.Name)]
public sealed class WorkerFailureTests
{
    [Fact]
    public async Task StartAsync_CoreThatDoesNotExist_ReportsTheWorkersReason()
    {
        var partition = ProbeWorkers.Cpu("nowhere", 1000);

        var ex = await Assert.ThrowsAsync<ProbeWorkerException>(() =>
            WorkerClient.StartAsync(ProbeWorkers.Launch, partition, TimeSpan.FromSeconds(60), limitMemory: false, CancellationToken.None));

        Assert.Contains("exited (code 2)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("sched_setaffinity", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_WorkerTooSlow_IsKilledAndReported()
    {
        await using var worker = await WorkerClient.StartAsync(ProbeWorkers.Launch, ProbeWorkers.Cpu("slow", 0), TimeSpan.FromSeconds(60), limitMemory: false, CancellationToken.None);
        var endless = new WorkerRequest { Op = WorkerOps.Measure, Kernel = "fma", Size = 2, Iterations = int.MaxValue, Repetitions = 1000 };

        var ex = await Assert.ThrowsAsync<ProbeWorkerException>(() => worker.SendAsync(endless, CancellationToken.None, TimeSpan.FromSeconds(1)));

        Assert.Contains("was killed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_BadRequest_RefusedWithTheFieldAndWorkerStaysUsable()
    {
        await using var worker = await WorkerClient.StartAsync(ProbeWorkers.Launch, ProbeWorkers.Cpu("strict", 0), TimeSpan.FromSeconds(60), limitMemory: false, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<ProbeWorkerException>(() => worker.SendAsync(new WorkerRequest { Op = WorkerOps.Measure, Kernel = "gemm", Size = 1, Repetitions = 1 }, CancellationToken.None));
        Assert.Contains("kernel: 'gemm'", ex.Message, StringComparison.Ordinal);

        var hello = await worker.SendAsync(new WorkerRequest { Op = WorkerOps.Hello }, CancellationToken.None);
        Assert.Equal("cpu", hello.Info!.Accelerator);
        Assert.Equal(AcceleratorChoice.Cpu, worker.Partition.Accelerator);
    }

    [Fact]
    public async Task Coordinator_WorkerCannotStart_ErrorResultNotACrash()
    {
        var plan = ProbeWorkers.Plan([(ProbeWorkers.Cpu("ok", 0), ProbeWorkers.Cpu("broken", 1000))], [ProbeKind.Compute]);

        var report = await ProbeWorkers.RunAsync(plan);

        var result = Assert.Single(report.Results);
        Assert.Equal(ProbeVerdicts.Error, result.Verdict);
        Assert.Equal("error", report.Outcome);
    }
}
