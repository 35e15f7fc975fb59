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
    private const string Locked = ContendedCore.ClockLocked;
    private const string Reset = ContendedCore.ClockReset;
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(2);

    [Fact]
    public async Task Sigkill_WhileThrottling_RestartResumesWithin1sAndResetsClock()
    {
        using var core = ContendedCore.Start(stub);
        var (victim, noisy, log, journal) = (core.Victim, core.Noisy, core.ControlLog, core.Journal);
        var tenants = ContendedCore.Tenants + core.Enforcement;
        var config = core.WriteConfig(tenants + ContendedCore.FloorPolicy(lockClocks: true));

        // The restarted daemon has no policy, so nothing it does afterwards can be mistaken for the recovery.
        var restartConfig = core.WriteConfig(tenants, "restart.yaml");
        var environment = core.Environment();

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
