using System.Diagnostics;
using System.Text.Json;
using GpuQos.Daemon.Tests.Nvml;
using GpuQos.Daemon.Tests.TestSupport;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;
using Xunit.Abstractions;

namespace GpuQos.Daemon.Tests.Enforcement;

/// <summary>
/// Issue #5's crash test, on the whole production path: the real daemon, on the NVML stand-in in real-PID
/// mode, duty-cycles a real CPU-burning process and locks the GPU clock; it is killed with SIGKILL at a
/// moment /proc shows the process stopped; the process stays stopped while no daemon runs; a restarted
/// daemon on the same journal has it running again within 1 s of its start and resets the clock.
/// </summary>
[Collection(CpuTimingCollection.Name)]
public sealed class SigkillRecoveryTests(NvmlStubBuild stub, ITestOutputHelper output) : IClassFixture<NvmlStubBuild>
{
    private const string Locked = "nvmlDeviceSetGpuLockedClocks gpu=0 min=1200 max=1200 -> 0";
    private const string Reset = "nvmlDeviceResetGpuLockedClocks gpu=0 -> 0";
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(2);

    [Fact]
    public async Task Sigkill_WhileThrottling_RestartResumesWithin1sAndResetsClock()
    {
        using var dir = new TempDir();
        using var victim = Burner.Start(dir.Path, "victim");
        using var noisy = Burner.Start(dir.Path, "noisy");
        var log = Path.Combine(dir.Path, "control.log");
        var journal = Path.Combine(dir.Path, "journal.jsonl");
        var fixture = stub.Fixture(
            "gpu uuid=GPU-00000000-0000-4000-8000-00000000c4a5 name=\"NVIDIA A100-SXM4-40GB\" pci=00000000:17:00.0 memory=40960 sm_clock=1410 sm_clock_max=1410 power_max=400000 power_min=100000",
            $"process gpu=0 pid={victim.Pid} name=victim memory=1024 real=1",
            $"process gpu=0 pid={noisy.Pid} name=noisy memory=1024 real=1");
        var tenants = $$"""
            tenants:
              - {name: victim, match: [{process: victim}]}
              - {name: noisy, match: [{process: noisy}]}
            enforcement:
              journal: {{journal}}
            """;
        var config = dir.Write("gpuqos.yaml", tenants + """

            policies:
              - name: victim-floor
                tenant: victim
                objectives:
                  - {type: min-sm-share, share: 0.65, window: 2s}
                for: 2s
                cooldown: 1s
                actions:
                  - type: throttle
                  - {type: lock-clocks, minMhz: 1200, maxMhz: 1200}
            """);

        // The restarted daemon has no policy, so nothing it does afterwards can be mistaken for the recovery.
        var restartConfig = dir.Write("restart.yaml", tenants);
        var environment = NvmlStubBuild.Environment(fixture);
        environment["GPUQOS_NVML_STUB_LOG"] = log;

        // The kill must land while the process is stopped; a missed window (it was continued between the read
        // of /proc and the kill) is retried with a fresh daemon, which recovers the previous one first.
        var stoppedByCrash = false;
        for (var attempt = 1; attempt <= 3 && !stoppedByCrash; attempt++)
        {
            await using var daemon = await DaemonProcess.StartAsync(["--backend", "nvml", "--config", config], environment);
            Assert.True(
                await Poll(() => ProcState.Of(noisy.Pid) == 'T' && Throttled(journal, noisy.Pid), TimeSpan.FromSeconds(60)),
                "the daemon never stopped the noisy process:\n" + daemon.Output);
            Assert.True(Count(log, Locked) >= attempt, "the clock was not locked:\n" + daemon.Output);
            using var process = Process.GetProcessById(daemon.ProcessId);
            await Poll(() => ProcState.Of(noisy.Pid) == 'T', TimeSpan.FromSeconds(5), Fast);
            process.Kill();
            await process.WaitForExitAsync();
            stoppedByCrash = ProcState.Of(noisy.Pid) == 'T';
            output.WriteLine($"attempt {attempt}: SIGKILL left the noisy process in state {ProcState.Of(noisy.Pid)}");
        }

        Assert.True(stoppedByCrash, "three SIGKILLs all missed the stopped phase of the duty cycle");

        // The damage a crash leaves: with no daemon running, nothing continues the process.
        for (var i = 0; i < 10; i++)
        {
            await Task.Delay(100);
            Assert.Equal('T', ProcState.Of(noisy.Pid));
        }

        var resetsBefore = Count(log, Reset);
        var launched = Stopwatch.StartNew();
        var resumed = Task.Run(async () =>
        {
            await Poll(() => ProcState.Of(noisy.Pid) != 'T' && ProcState.Of(victim.Pid) != 'T', TimeSpan.FromSeconds(60), Fast);
            return launched.Elapsed;
        });
        await using var restarted = await DaemonProcess.StartAsync(["--backend", "nvml", "--config", restartConfig], environment);
        var ready = launched.Elapsed;
        var resumedAfter = await resumed;
        output.WriteLine($"resumed {resumedAfter.TotalMilliseconds:0} ms after the restarted daemon was launched; ready after {ready.TotalMilliseconds:0} ms");

        Assert.True(resumedAfter < TimeSpan.FromSeconds(1), $"the stopped process ran again only {resumedAfter.TotalMilliseconds:0} ms after the daemon was launched");
        Assert.All(new[] { noisy.Pid, victim.Pid }, pid => Assert.Contains(ProcState.Of(pid), "RS"));
        Assert.Equal(resetsBefore + 1, Count(log, Reset));

        // The process was continued by the replay that runs before the backend and the host are built, not by
        // the enforcer's recovery, which runs only once both are up.
        var early = restarted.Output.IndexOf("gpuqos: resumed 1 process action(s)", StringComparison.Ordinal);
        var enforcer = restarted.Output.IndexOf("Enforcer started", StringComparison.Ordinal);
        Assert.True(early >= 0 && early < enforcer, "the early replay did not run first:\n" + restarted.Output);
        using var actions = JsonDocument.Parse(await restarted.Http.GetStringAsync("/api/v1/actions"));
        var recovered = actions.RootElement.EnumerateArray()
            .Where(a => a.GetProperty("result").GetString() == "recovered")
            .Select(a => a.GetProperty("action").GetString())
            .ToHashSet();
        Assert.Superset(new HashSet<string?> { KnownPolicyTypes.Actions.Throttle, KnownPolicyTypes.Actions.LockClocks }, recovered);
        Assert.Empty(ActionJournal.Outstanding(ActionJournal.ReadAll(journal)));
    }

    /// <summary>Whether the journal holds an open throttle naming <paramref name="pid"/>.</summary>
    private static bool Throttled(string journal, int pid) =>
        ActionJournal.Outstanding(ActionJournal.ReadAll(journal))
            .Any(e => e.Action == KnownPolicyTypes.Actions.Throttle && (e.Processes ?? []).Any(p => p.Pid == pid));

    private static int Count(string log, string line) => File.Exists(log) ? File.ReadLines(log).Count(l => l.Trim() == line) : 0;

    private static async Task<bool> Poll(Func<bool> condition, TimeSpan timeout, TimeSpan? interval = null)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(50));
        }

        return condition();
    }
}
