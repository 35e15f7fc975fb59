using System.Diagnostics;
using System.Globalization;
using GpuQos.Backends.Simulation;
using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Engine;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Enforcer.Tests.Faults;

/// <summary>
/// Issue #9: a journal entry whose PID now names another process (a different start time in /proc/PID/stat)
/// is never signalled, neither by the replay that runs first at start nor by the enforcer's recovery. Each
/// process is a shell that writes a line to a file for every SIGCONT it receives; a control process journaled
/// with its true start time proves a signal would be seen.
/// </summary>
public sealed class ReusedPidTests : IDisposable
{
    private readonly DirectoryInfo _dir = TrustedDirectory.Create("gpuqos-reused-");

    [Fact]
    public async Task Replay_StartTimeDiffers_ProcessNeverSignalledNorStopped()
    {
        using var stranger = SignalRecorder.Start(_dir.FullName, "stranger");
        using var owner = SignalRecorder.Start(_dir.FullName, "owner");
        await Task.WhenAll(stranger.ReadyAsync(), owner.ReadyAsync());
        var strangerNice = Nice(stranger.Pid);
        var journal = Path.Combine(_dir.FullName, "actions.jsonl");
        using (var writer = new ActionJournal(journal))
        {
            // The crashed run throttled and reniced a process that has since exited; its PID now belongs to the stranger.
            var reused = new JournalProcess(stranger.Pid, stranger.StartTime + 1, PreviousNice: 19) { AppliedNice = 0 };
            writer.Append(Entry(writer.NextId(), KnownPolicyTypes.Actions.Throttle, reused, new JournalProcess(owner.Pid, owner.StartTime)));
            writer.Append(Entry(writer.NextId(), KnownPolicyTypes.Actions.Priority, reused));
        }

        var options = new EnforcementOptions { Journal = journal };
        var early = HostRecovery.Resume(journal, options, TimeProvider.System);
        Assert.Equal(2, early.Undone);

        // One replay at a time: two SIGCONTs arriving together would be delivered as one.
        Assert.True(await owner.WaitForAsync(1, TimeSpan.FromSeconds(10)), $"the owner saw {owner.Received} SIGCONT(s) after the early replay");
        using (var backend = new SimulatedBackend(ScenarioLoader.Demo(), new FakeTimeProvider()))
        using (var enforcer = TestEnforcer.Create(options, [], SimHost.Factories, backend, TimeProvider.System, NullLogger<SlaEnforcer>.Instance))
        {
            Assert.Equal(2, enforcer.Recover());
        }

        // The owner got one SIGCONT from each replay: a signal to the stranger could not have gone unseen.
        Assert.True(await owner.WaitForAsync(2, TimeSpan.FromSeconds(10)), $"the owner saw {owner.Received} SIGCONT(s) after both replays");
        for (var i = 0; i < 20; i++)
        {
            Assert.NotEqual('T', ProcStat.Read(stranger.Pid)!.Value.State);
            await Task.Delay(10);
        }

        Assert.Equal(0, stranger.Received);
        Assert.Equal(strangerNice, Nice(stranger.Pid));
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private static JournalEntry Entry(long id, string action, params JournalProcess[] processes) => new()
    {
        Op = JournalOps.Apply,
        Id = id,
        Action = action,
        At = DateTimeOffset.UnixEpoch,
        ProcessKind = "os",
        Processes = processes,
    };

    /// <summary>Field 19 of /proc/PID/stat.</summary>
    private static int Nice(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], CultureInfo.InvariantCulture);
    }

    /// <summary>A bash loop that appends a line to its file for every SIGCONT it receives.</summary>
    private sealed class SignalRecorder : IDisposable
    {
        private readonly Process _process;
        private readonly string _file;

        private SignalRecorder(Process process, string file)
        {
            _process = process;
            _file = file;
        }

        public int Pid => _process.Id;

        public long StartTime { get; private set; }

        public int Received => File.Exists(_file) ? File.ReadAllLines(_file).Count(l => l == "cont") : 0;

        public static SignalRecorder Start(string dir, string name)
        {
            var file = Path.Combine(dir, name + ".signals");
            var process = Process.Start(new ProcessStartInfo("/bin/bash", ["-c", "trap 'echo cont >> \"$0\"' CONT; echo ready > \"$0.ready\"; while :; do sleep 0.02; done", file]) { UseShellExecute = false })
                ?? throw new InvalidOperationException("cannot start bash");
            return new SignalRecorder(process, file);
        }

        /// <summary>Waits until the trap is installed, and reads the start time.</summary>
        public async Task ReadyAsync()
        {
            var clock = Stopwatch.StartNew();
            while (!File.Exists(_file + ".ready"))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "bash never installed its trap");
                await Task.Delay(10);
            }

            StartTime = ProcStat.Read(Pid)!.Value.StartTime;
        }

        public async Task<bool> WaitForAsync(int count, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (Received < count && clock.Elapsed < timeout)
            {
                await Task.Delay(20);
            }

            return Received >= count;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }

            _process.Dispose();
        }
    }
}
