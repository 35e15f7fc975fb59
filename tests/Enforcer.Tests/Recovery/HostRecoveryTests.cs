using System.Diagnostics;
using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Engine;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Tests.TestSupport;

namespace GpuQos.Enforcer.Tests.Recovery;

/// <summary>
/// The replay a restarted daemon runs before anything else: host actions left open are undone (a stopped
/// process continued, a frozen cgroup thawed); device actions, closed entries and dry runs are left to the
/// enforcer or ignored; nothing is written to the journal.
/// </summary>
public sealed class HostRecoveryTests : IDisposable
{
    private readonly DirectoryInfo _dir = TrustedDirectory.Create("gpuqos-host-recovery-");

    [CgroupFact]
    public async Task Resume_OpenThrottleAndFreeze_ContinuedAndThawed_ClosedDryRunAndDeviceEntriesLeft()
    {
        using var stopped = new Burner(Environment.ProcessorCount - 1);
        using var closed = new Burner(Environment.ProcessorCount - 1);
        using var cgroup = TestCgroup.Create();
        using var frozen = Process.Start("/bin/sleep", "60");
        try
        {
            DaemonSignals.Send(stopped.Pid, "STOP");
            DaemonSignals.Send(closed.Pid, "STOP");
            await WaitForState(stopped.Pid, 'T');
            await WaitForState(closed.Pid, 'T');
            cgroup.Add(frozen.Id);
            File.WriteAllText(Path.Combine(cgroup.Directory, "cgroup.freeze"), "1");
            await WaitFor(() => cgroup.Frozen, "the test cgroup never froze");
            var journal = Path.Combine(_dir.FullName, "actions.jsonl");
            using (var writer = new ActionJournal(journal))
            {
                writer.Append(Entry(1, KnownPolicyTypes.Actions.Throttle) with { Processes = [Key(stopped.Pid)] });
                writer.Append(Entry(2, KnownPolicyTypes.Actions.Freeze) with { Cgroups = [cgroup.Path] });
                writer.Append(Entry(3, KnownPolicyTypes.Actions.Throttle) with { Processes = [Key(closed.Pid)] });
                writer.Append(Entry(3, KnownPolicyTypes.Actions.Throttle) with { Op = JournalOps.Revert });
                writer.Append(Entry(4, KnownPolicyTypes.Actions.Throttle) with { DryRun = true, Processes = [Key(closed.Pid)] });
                writer.Append(Entry(5, KnownPolicyTypes.Actions.LockClocks));
            }

            var length = new FileInfo(journal).Length;
            var result = HostRecovery.Resume(journal, new EnforcementOptions { CgroupRoot = cgroup.Mount }, TimeProvider.System);

            Assert.Empty(result.Errors);
            Assert.Equal(2, result.Undone);
            await WaitForState(stopped.Pid, 'R');
            await WaitFor(() => !cgroup.Frozen, "the frozen cgroup was never thawed");
            Assert.Equal('T', ProcStat.Read(closed.Pid)!.Value.State);
            Assert.Equal(length, new FileInfo(journal).Length);
            Assert.Single(ActionJournal.Outstanding(ActionJournal.ReadAll(journal)), e => e.Action == KnownPolicyTypes.Actions.LockClocks);
        }
        finally
        {
            frozen.Kill();
        }
    }

    [Fact]
    public void JournalOf_SimulatedHostWithoutJournal_NothingToRecover_RealHostDefault()
    {
        Assert.Null(HostRecovery.JournalOf(new EnforcementOptions(), simulatedHost: true));
        Assert.Equal(EnforcementOptionsDefaults.Journal, HostRecovery.JournalOf(new EnforcementOptions(), simulatedHost: false));
        Assert.Equal("/x/j.jsonl", HostRecovery.JournalOf(new EnforcementOptions { Journal = "/x/j.jsonl" }, simulatedHost: true));
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private static JournalEntry Entry(long id, string action) => new()
    {
        Op = JournalOps.Apply,
        Id = id,
        Action = action,
        At = DateTimeOffset.UnixEpoch,
        ProcessKind = "os",
    };

    private static JournalProcess Key(int pid) => new(pid, ProcStat.Read(pid)!.Value.StartTime);

    private static async Task WaitFor(Func<bool> condition, string failure)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), failure);
            await Task.Delay(10);
        }
    }

    private static async Task WaitForState(int pid, char state)
    {
        var clock = Stopwatch.StartNew();
        while (ProcStat.Read(pid)?.State != state)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"process {pid} never reached state {state}");
            await Task.Delay(10);
        }
    }
}
