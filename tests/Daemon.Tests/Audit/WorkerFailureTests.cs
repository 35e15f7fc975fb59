using System.Text.Json;
using GpuQos.Daemon.Tests.TestSupport;
using GpuQos.IsolationProbes.Audit;
using GpuQos.IsolationProbes.Kernels;
using GpuQos.IsolationProbes.Worker;

namespace GpuQos.Daemon.Tests.Audit;

/// <summary>
/// The coordinator's handling of workers that cannot start, hang, die or are asked nonsense, and the daemon's
/// scheduled audits living through them. Each checks /proc that no worker is left behind.
/// </summary>
[Collection(CpuTimingCollection.Name)]
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
        await AssertGoneAsync(worker.ProcessId);
    }

    [Fact]
    public async Task SendAsync_WorkerDiesMidRequest_ReportedAsExitedNotHung()
    {
        await using var worker = await WorkerClient.StartAsync(ProbeWorkers.Launch, ProbeWorkers.Cpu("crashing", 0), TimeSpan.FromSeconds(60), limitMemory: false, CancellationToken.None);
        var endless = new WorkerRequest { Op = WorkerOps.Measure, Kernel = "fma", Size = 2, Iterations = int.MaxValue, Repetitions = 1000 };

        var pending = worker.SendAsync(endless, CancellationToken.None);
        await Task.Delay(200);
        DaemonProcess.Signal(worker.ProcessId, "KILL");
        var ex = await Assert.ThrowsAsync<ProbeWorkerException>(() => pending);

        Assert.Contains("exited (code 137)", ex.Message, StringComparison.Ordinal);
        await AssertGoneAsync(worker.ProcessId);
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

        // The partner that did start is not left running once the audit is over.
        Assert.DoesNotContain(ProcTable.ProbeWorkers(), w => w.ParentPid == Environment.ProcessId && w.State != 'Z');
    }

    [Fact]
    public async Task Daemon_ScheduledAuditsWithBrokenAndHungWorkers_SchedulerRunsOnAndLeavesNoWorker()
    {
        using var dir = new TempDir();

        // "broken" asks for a core that does not exist, so its worker exits at start. In the first audit the
        // test stops (SIGSTOP) the first worker, a's for the a/b pair: a hung worker, which the worker timeout
        // (5 s, so that a worker starting on a loaded machine is not mistaken for a hung one) must kill. 16 timings
        // a side: with 5, a loaded CI machine saw a/b on one core run 1.64x slower with an interval from 1.14,
        // under the 1.5x threshold, so the second audit did not find the violation it asserts.
        var config = Path.Combine(dir.Path, "gpuqos.yaml");
        await File.WriteAllTextAsync(config, """
            audit:
              enabled: true
              interval: 10s
              accelerator: cpu
              repetitions: 16
              warmup: 1
              workerTimeout: 5s
              probes: [compute, covert]
              cpuPartitions:
                - {name: a, cores: [0]}
                - {name: b, cores: [0]}
                - {name: broken, cores: [1000]}
              pairs:
                - {victim: a, aggressor: b}
                - {victim: a, aggressor: broken}
            """);
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim", "--config", config]);

        var stopped = StopOneWorkerAsync(daemon.ProcessId);
        var first = await NextAuditAsync(daemon, after: null);
        var stoppedPid = await stopped;
        // The first report, read before the next audit replaces it: one worker failed to start, one hung.
        using (var report = JsonDocument.Parse(await daemon.Http.GetStringAsync("/api/v1/audits/latest")))
        {
            var results = report.RootElement.GetProperty("results").EnumerateArray().ToList();
            var errors = results.Where(r => r.GetProperty("verdict").GetString() == ProbeVerdicts.Error).Select(r => r.GetProperty("summary").GetString()!).ToList();
            Assert.Contains(errors, e => e.Contains("sched_setaffinity", StringComparison.Ordinal));
            Assert.Contains(errors, e => e.Contains($"(pid {stoppedPid}) did not answer", StringComparison.Ordinal) && e.Contains("was killed", StringComparison.Ordinal));
        }

        var second = await NextAuditAsync(daemon, after: first.GetProperty("lastFinished").GetString());

        // Both runs end in a report: the first has errors (and may have a violation), the second, left alone,
        // finds that a and b share a core.
        Assert.Contains(first.GetProperty("outcome").GetString(), new[] { "error", "violated" });
        Assert.Equal("violated", second.GetProperty("outcome").GetString());

        Assert.False(ProcTable.Alive(stoppedPid), $"the stopped worker {stoppedPid} is still there");

        // The daemon is up and collecting, and none of its workers is left running or stopped.
        Assert.Equal("ok", (await daemon.Http.GetStringAsync("/healthz")).Trim());
        Assert.Contains("gpuqos_audit_last_run_timestamp_seconds", await daemon.ScrapeAsync(), StringComparison.Ordinal);
        var leftover = ProcTable.ProbeWorkers().Where(w => w.ParentPid == daemon.ProcessId && w.State != 'Z').ToList();
        Assert.True(leftover.Count == 0, "workers left behind: " + string.Join("; ", leftover));
        Assert.Equal(0, await daemon.StopAsync());
    }

    /// <summary>Waits for an audit that finished after <paramref name="after"/> and is not running; returns the state's audit section.</summary>
    private static async Task<JsonElement> NextAuditAsync(DaemonProcess daemon, string? after)
    {
        for (var i = 0; i < 120; i++)
        {
            using var state = JsonDocument.Parse(await daemon.Http.GetStringAsync("/api/v1/state"));
            var audit = state.RootElement.GetProperty("audit");
            // Members that are null are left out of the state until the first audit has finished.
            if (!audit.GetProperty("running").GetBoolean()
                && audit.TryGetProperty("lastFinished", out var finished)
                && finished.GetString() != after
                && audit.TryGetProperty("outcome", out var outcome) && outcome.ValueKind == JsonValueKind.String)
            {
                return audit.Clone();
            }

            await Task.Delay(500);
        }

        Assert.Fail("no audit finished within a minute:\n" + daemon.Output);
        return default;
    }

    /// <summary>Stops (SIGSTOP) the first worker on core 0 the daemon starts, a moment after it appears; returns its pid.</summary>
    private static async Task<int> StopOneWorkerAsync(int daemonPid)
    {
        for (var i = 0; i < 1200; i++)
        {
            if (ProcTable.ProbeWorkers().FirstOrDefault(w => w.ParentPid == daemonPid && w.State != 'Z' && w.CommandLine.Contains("--cores 0", StringComparison.Ordinal)
                && !w.CommandLine.Contains(WorkerPreflight.Flag, StringComparison.Ordinal)) is { } worker)
            {
                // Most likely it is in its request loop by then; if not, the hang is in its hello, which is as good.
                await Task.Delay(300);
                DaemonProcess.Signal(worker.Pid, "STOP");
                return worker.Pid;
            }

            await Task.Delay(50);
        }

        Assert.Fail("the daemon started no probe worker within a minute");
        return 0;
    }

    /// <summary>A killed worker is reaped, not left running, stopped or as a zombie.</summary>
    private static async Task AssertGoneAsync(int pid)
    {
        for (var i = 0; i < 50 && ProcTable.All().Any(e => e.Pid == pid); i++)
        {
            await Task.Delay(100);
        }

        Assert.DoesNotContain(ProcTable.All(), e => e.Pid == pid);
    }
}
