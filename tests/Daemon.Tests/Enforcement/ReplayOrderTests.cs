using System.Diagnostics;
using GpuQos.Daemon.Tests.TestSupport;
using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Daemon.Tests.Enforcement;

/// <summary>
/// Issue #26: the configuration names the journal, so a configuration anyone could write is refused before
/// the journal is replayed. Before the fix the pre-start replay ran first: a 0777 configuration directory
/// pointing at a chosen journal had a process continued (or reniced) and only then did the daemon refuse.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ReplayOrderTests
{
    [Fact]
    public async Task Run_WorldWritableConfigDirectory_RefusedBeforeTheJournalIsReplayed()
    {
        using var dir = new TempDir(trusted: true);
        using var stopped = Process.Start(new ProcessStartInfo("sleep", ["600"]) { UseShellExecute = false })!;
        try
        {
            var journal = Path.Combine(dir.Path, "actions.jsonl");
            using (var writer = new ActionJournal(journal))
            {
                writer.Append(new JournalEntry
                {
                    Op = JournalOps.Apply,
                    Id = 1,
                    Action = KnownPolicyTypes.Actions.Throttle,
                    At = DateTimeOffset.UnixEpoch,
                    ProcessKind = "os",
                    Processes = [new JournalProcess(stopped.Id, ProcStat.Read(stopped.Id)!.Value.StartTime)],
                });
            }

            DaemonProcess.Signal(stopped.Id, "STOP");
            await WaitForState(stopped.Id, 'T');
            var configDir = Directory.CreateDirectory(Path.Combine(dir.Path, "etc"));
            var config = Path.Combine(configDir.FullName, "gpuqos.yaml");
            await File.WriteAllTextAsync(config, $"enforcement:\n  journal: {journal}\n");
            File.SetUnixFileMode(configDir.FullName, (UnixFileMode)0x1FF); // 0777

            var (exit, _, stderr) = await DaemonProcess.RunToEndAsync(["run", "--backend", "sim", "--config", config]);

            Assert.Equal(2, exit);
            Assert.Contains("world-writable", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("crash recovery", stderr, StringComparison.Ordinal);
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal('T', ProcStat.Read(stopped.Id)!.Value.State);
                await Task.Delay(10);
            }
        }
        finally
        {
            DaemonProcess.Signal(stopped.Id, "CONT");
            stopped.Kill();
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
