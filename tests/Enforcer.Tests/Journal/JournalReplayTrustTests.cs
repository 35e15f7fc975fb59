using System.Diagnostics;
using System.Text.Json;
using GpuQos.Backends.Simulation;
using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Engine;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Enforcer.Tests.Journal;

/// <summary>
/// Issue #26: a journal is replayed only when no one but root (or the daemon's user) could have written it,
/// and only the lines this host signed. Each case is checked on both replays, the one that runs before start
/// (<see cref="HostRecovery.Resume"/>) and the enforcer's (<see cref="SlaEnforcer.Recover"/>), against a real
/// stopped process: a replay that believed the journal would continue it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class JournalReplayTrustTests : IDisposable
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private readonly DirectoryInfo _dir = TrustedDirectory.Create("gpuqos-trust-");
    private readonly Process _stopped = Process.Start(new ProcessStartInfo("/bin/sleep", ["600"]) { UseShellExecute = false })!;

    public JournalReplayTrustTests() => DaemonSignals.Send(_stopped.Id, "STOP");

    [Theory]
    [InlineData(0x1FF)] // 0777
    [InlineData(0x1F8)] // 0770: group write counts too
    [InlineData(0x3FF)] // 01777: a sticky directory such as /tmp lets anyone plant the journal
    public async Task Replay_JournalDirectoryWritableByOthers_NothingReplayed(int mode)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir.FullName, "state"));
        var journal = JournalWithThrottle(Path.Combine(dir.FullName, "actions.jsonl"));
        File.SetUnixFileMode(dir.FullName, (UnixFileMode)mode);

        await AssertNotReplayed(journal, "writable by its group or by others");
    }

    [Fact]
    public async Task Replay_JournalFileWritableByOthers_NothingReplayed()
    {
        var journal = JournalWithThrottle(Path.Combine(_dir.FullName, "actions.jsonl"));
        File.SetUnixFileMode(journal, (UnixFileMode)0x1B6); // 0666

        await AssertNotReplayed(journal, "writable by its group or by others");
    }

    [Fact]
    public async Task Replay_DirectoryOwnedByAnotherUser_NothingReplayed()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir.FullName, "state"));
        var journal = JournalWithThrottle(Path.Combine(dir.FullName, "actions.jsonl"));
        Chown(dir.FullName, 4242);

        await AssertNotReplayed(journal, "owned by UID 4242");
    }

    [Fact]
    public async Task Replay_JournalIsSymbolicLink_NothingReplayed()
    {
        var real = JournalWithThrottle(Path.Combine(_dir.FullName, "elsewhere.jsonl"));
        var journal = Path.Combine(_dir.FullName, "actions.jsonl");
        File.CreateSymbolicLink(journal, real);
        File.Copy(real + ".key", journal + ".key");

        await AssertNotReplayed(journal, "symbolic link");
    }

    [Fact]
    public async Task Replay_ForgedRevertLine_RefusedAndTheRealActionUndone()
    {
        var journal = JournalWithThrottle(Path.Combine(_dir.FullName, "actions.jsonl"));

        // Someone who could write the file but not read the key closes the action, so no replay would continue the process.
        File.AppendAllText(journal, $"{{\"op\":\"revert\",\"id\":1,\"action\":\"throttle\",\"at\":\"2026-01-01T00:00:00Z\"}}\n");

        var result = HostRecovery.Resume(journal, new EnforcementOptions(), TimeProvider.System);
        Assert.Equal(1, result.Undone);
        Assert.Contains(result.Errors, e => e.Contains("line 2", StringComparison.Ordinal));
        await WaitForState(_stopped.Id, 'S');
    }

    [Fact]
    public async Task Recover_ForgedRevertLine_RefusedLoggedAndTheRealActionUndone()
    {
        var journal = JournalWithThrottle(Path.Combine(_dir.FullName, "actions.jsonl"));
        File.AppendAllText(journal, $"{{\"op\":\"revert\",\"id\":1,\"action\":\"throttle\",\"at\":\"2026-01-01T00:00:00Z\"}}\n");

        var logger = new RecordingLogger<SlaEnforcer>();
        using (var backend = new SimulatedBackend(ScenarioLoader.Demo(), new FakeTimeProvider()))
        using (var enforcer = TestEnforcer.Create(new EnforcementOptions { Journal = journal }, [], SimHost.Factories, backend, TimeProvider.System, logger))
        {
            Assert.Equal(1, enforcer.Recover());
            Assert.Contains(enforcer.RecentActions(), a => a.Result == ActionResults.Refused && a.Detail.Contains("line 2", StringComparison.Ordinal));
        }

        Assert.Contains(logger.Entries, e => e.Message.Contains("Refused a line", StringComparison.Ordinal));
        await WaitForState(_stopped.Id, 'S');
    }

    [Fact]
    public async Task Replay_EditedNiceValue_RefusedAndNotReniced()
    {
        using var sleeper = Orphan.Start();
        try
        {
            var pid = sleeper.Pid;
            var start = ProcStat.Read(pid)!.Value.StartTime;
            var journal = Path.Combine(_dir.FullName, "actions.jsonl");

            // What a priority action journals: it saw nice 0 and set 10 (the process is at 10 now).
            var process = JsonSerializer.Deserialize<JournalProcess>($"{{\"pid\":{pid},\"startTime\":{start},\"previousNice\":0,\"appliedNice\":10}}", Web)!;
            using (var writer = new ActionJournal(journal))
            {
                writer.Append(Entry(1, KnownPolicyTypes.Actions.Priority) with { Processes = [process] });
            }

            Renice(pid, 10);
            File.WriteAllText(journal, File.ReadAllText(journal).Replace("\"previousNice\":0", "\"previousNice\":-15", StringComparison.Ordinal));

            var result = HostRecovery.Resume(journal, new EnforcementOptions(), TimeProvider.System);
            Assert.Equal(0, result.Undone);
            Assert.Contains(result.Errors, e => e.Contains("MAC", StringComparison.Ordinal));
            using (var backend = new SimulatedBackend(ScenarioLoader.Demo(), new FakeTimeProvider()))
            using (var enforcer = TestEnforcer.Create(new EnforcementOptions { Journal = journal }, [], SimHost.Factories, backend, TimeProvider.System, NullLogger<SlaEnforcer>.Instance))
            {
                Assert.Equal(0, enforcer.Recover());
            }

            Assert.Equal(10, Nice(pid));
        }
        finally
        {
            sleeper.Dispose();
        }
    }

    [Fact]
    public void Replay_SignedNiceOutsideTheRange_RefusedAndNotReniced()
    {
        using var sleeper = Orphan.Start();
        try
        {
            var pid = sleeper.Pid;
            var start = ProcStat.Read(pid)!.Value.StartTime;
            var journal = Path.Combine(_dir.FullName, "actions.jsonl");
            Renice(pid, 10);
            using (var writer = new ActionJournal(journal))
            {
                writer.Append(Entry(1, KnownPolicyTypes.Actions.Priority) with { Processes = [new JournalProcess(pid, start, -40) { AppliedNice = 10 }] });
                writer.Append(Entry(2, KnownPolicyTypes.Actions.Priority) with { Processes = [new JournalProcess(pid, start, -15)] });
            }

            var result = HostRecovery.Resume(journal, new EnforcementOptions(), TimeProvider.System);
            Assert.Equal(0, result.Undone);
            Assert.Contains(result.Errors, e => e.Contains("out of the range", StringComparison.Ordinal));
            Assert.Contains(result.Errors, e => e.Contains("does not record", StringComparison.Ordinal));
            Assert.Equal(10, Nice(pid));
        }
        finally
        {
            sleeper.Dispose();
        }
    }

    [Fact]
    public void Replay_SignedNiceRestore_RestoresTheValueSeen_OnlyWhileTheActionsValueStands()
    {
        // Not this test host's children: the daemon's own tree is never reniced, and this host plays the daemon.
        using var restored = Orphan.Start();
        using var changed = Orphan.Start();
        try
        {
            var journal = Path.Combine(_dir.FullName, "actions.jsonl");
            Renice(restored.Pid, 10);
            Renice(changed.Pid, 12); // reniced by someone else since the action set 10: their choice stands
            using (var writer = new ActionJournal(journal))
            {
                writer.Append(Entry(1, KnownPolicyTypes.Actions.Priority) with
                {
                    Processes =
                    [
                        new JournalProcess(restored.Pid, ProcStat.Read(restored.Pid)!.Value.StartTime, 3) { AppliedNice = 10 },
                        new JournalProcess(changed.Pid, ProcStat.Read(changed.Pid)!.Value.StartTime, 3) { AppliedNice = 10 },
                    ],
                });
            }

            var result = HostRecovery.Resume(journal, new EnforcementOptions(), TimeProvider.System);
            Assert.Empty(result.Errors);
            Assert.Equal(3, Nice(restored.Pid));
            Assert.Equal(12, Nice(changed.Pid));
        }
        finally
        {
            restored.Dispose();
            changed.Dispose();
        }
    }

    [Fact]
    public void Replay_DotDotInCgroupPath_RefusedAndTargetUntouched()
    {
        // The confirmed attack: a cgroup path that climbs out of the root to a planted cgroup.freeze.
        var root = Directory.CreateDirectory(Path.Combine(_dir.FullName, "sys", "fs", "cgroup"));
        var planted = Directory.CreateDirectory(Path.Combine(_dir.FullName, "x", "fake"));
        var victim = Path.Combine(_dir.FullName, "victim");
        File.WriteAllText(victim, "precious");
        File.CreateSymbolicLink(Path.Combine(planted.FullName, "cgroup.freeze"), victim);
        var journal = Path.Combine(_dir.FullName, "actions.jsonl");
        using (var writer = new ActionJournal(journal))
        {
            writer.Append(Entry(1, KnownPolicyTypes.Actions.Freeze) with { Cgroups = ["../../../x/fake"] });
        }

        var result = HostRecovery.Resume(journal, new EnforcementOptions { CgroupRoot = root.FullName }, TimeProvider.System);
        Assert.Equal(0, result.Undone);
        Assert.Single(result.Errors);
        Assert.Equal("precious", File.ReadAllText(victim));
    }

    [Fact]
    public async Task Recover_CompletedReplay_JournalRotatedAndKept()
    {
        var journal = JournalWithThrottle(Path.Combine(_dir.FullName, "actions.jsonl"));
        var before = File.ReadAllText(journal);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 15, 0, 0, TimeSpan.Zero));
        using (var backend = new SimulatedBackend(ScenarioLoader.Demo(), new FakeTimeProvider()))
        using (var enforcer = TestEnforcer.Create(new EnforcementOptions { Journal = journal }, [], SimHost.Factories, backend, time, NullLogger<SlaEnforcer>.Instance))
        {
            Assert.Equal(1, enforcer.Recover());
        }

        await WaitForState(_stopped.Id, 'S');
        Assert.Empty(ActionJournal.ReadAll(journal));
        var kept = Assert.Single(Directory.GetFiles(_dir.FullName, "actions.jsonl.replayed-*"));
        Assert.StartsWith(before, File.ReadAllText(kept), StringComparison.Ordinal);
        Assert.Contains(ActionJournal.ReadAll(kept), e => e.Op == JournalOps.Revert && e.Id == 1);
    }

    [Fact]
    public void Rotate_ManyReplays_OnlyTheNewestKept()
    {
        var journal = Path.Combine(_dir.FullName, "actions.jsonl");
        using var writer = new ActionJournal(journal);
        var at = new DateTimeOffset(2026, 12, 6, 15, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < ActionJournal.KeptReplays + 3; i++)
        {
            writer.Append(Entry(writer.NextId(), KnownPolicyTypes.Actions.LockClocks));
            writer.Rotate(at.AddMinutes(i));
        }

        var kept = Directory.GetFiles(_dir.FullName, "actions.jsonl.replayed-*").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(ActionJournal.KeptReplays, kept.Count);
        Assert.EndsWith("replayed-20261206T150700.000Z", kept[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Key_CreatedOnFirstUse_Mode0600_AndAnOpenKeyIsRefused()
    {
        var journal = JournalWithThrottle(Path.Combine(_dir.FullName, "actions.jsonl"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(journal + ".key"));

        File.SetUnixFileMode(journal + ".key", (UnixFileMode)0x1A4); // 0644: anyone could forge lines with it
        Assert.Throws<JournalTrustException>(() => JournalReplay.Read(journal, JournalTrust.Host));
        Assert.Throws<JournalTrustException>(() => new ActionJournal(journal));
    }

    public void Dispose()
    {
        DaemonSignals.Send(_stopped.Id, "CONT");
        _stopped.Kill();
        _stopped.Dispose();
        foreach (var dir in Directory.GetDirectories(_dir.FullName, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        _dir.Delete(recursive: true);
    }

    private async Task AssertNotReplayed(string journal, string reason)
    {
        var result = HostRecovery.Resume(journal, new EnforcementOptions(), TimeProvider.System);
        Assert.Equal(0, result.Undone);
        Assert.Contains(result.Errors, e => e.Contains(reason, StringComparison.Ordinal));

        var logger = new RecordingLogger<SlaEnforcer>();
        using (var backend = new SimulatedBackend(ScenarioLoader.Demo(), new FakeTimeProvider()))
        using (var enforcer = TestEnforcer.Create(new EnforcementOptions { Journal = journal }, [], SimHost.Factories, backend, TimeProvider.System, logger))
        {
            Assert.Equal(0, enforcer.Recover());
        }

        Assert.Contains(logger.Entries, e => e.Message.Contains("Not replaying", StringComparison.Ordinal));
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal('T', ProcStat.Read(_stopped.Id)!.Value.State);
            await Task.Delay(10);
        }
    }

    private string JournalWithThrottle(string path)
    {
        using var writer = new ActionJournal(path);
        writer.Append(Entry(1, KnownPolicyTypes.Actions.Throttle) with { Processes = [new JournalProcess(_stopped.Id, ProcStat.Read(_stopped.Id)!.Value.StartTime)] });
        return path;
    }

    private static JournalEntry Entry(long id, string action) => new()
    {
        Op = JournalOps.Apply,
        Id = id,
        Action = action,
        At = DateTimeOffset.UnixEpoch,
        ProcessKind = "os",
    };

    private static void Chown(string path, int uid)
    {
        using var chown = Process.Start(new ProcessStartInfo("chown", [uid.ToString(System.Globalization.CultureInfo.InvariantCulture), path]) { UseShellExecute = false })!;
        chown.WaitForExit();
        Assert.Equal(0, chown.ExitCode);
    }

    private static void Renice(int pid, int nice)
    {
        using var renice = Process.Start(new ProcessStartInfo("renice", ["-n", nice.ToString(System.Globalization.CultureInfo.InvariantCulture), "-p", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false, RedirectStandardOutput = true })!;
        renice.WaitForExit();
        Assert.Equal(nice, Nice(pid));
    }

    /// <summary>Field 19 of /proc/PID/stat.</summary>
    private static int Nice(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid.ToString(System.Globalization.CultureInfo.InvariantCulture)}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], System.Globalization.CultureInfo.InvariantCulture);
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
