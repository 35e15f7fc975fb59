using System.Diagnostics;
using System.Globalization;
using GpuQos.Daemon.Tests.TestSupport;
using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;
using Xunit.Abstractions;

namespace GpuQos.Daemon.Tests.Enforcement;

public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    /// <summary>
    /// A run that was killed with SIGKILL while throttling leaves its journal with an open throttle and the
    /// process stopped in the middle of a duty cycle. That state is built here with the production journal
    /// and a real SIGSTOP; then the real daemon is started on it, and the test reads /proc until the process
    /// runs again. A second stopped process whose journaled start time does not match (its PID was "reused")
    /// must be left alone.
    /// </summary>
    [Fact]
    public async Task RestartAfterSigkill_ThrottledProcessStopped_ResumedBeforeReadyAndReusedPidUntouched()
    {
        using var dir = new TempDir(trusted: true);
        using var throttled = Child();
        using var stranger = Child();
        try
        {
            var journalPath = Path.Combine(dir.Path, "actions.jsonl");
            var start = ProcStat.Read(throttled.Id)!.Value.StartTime;
            var strangerStart = ProcStat.Read(stranger.Id)!.Value.StartTime;
            using (var journal = new ActionJournal(journalPath))
            {
                journal.Append(new JournalEntry
                {
                    Op = JournalOps.Apply,
                    Id = journal.NextId(),
                    Action = KnownPolicyTypes.Actions.Throttle,
                    At = DateTimeOffset.UnixEpoch,
                    Policy = "search-guaranteed-share",
                    Tenant = "search",
                    Gpu = 1,
                    ProcessKind = "os",
                    Processes = [new JournalProcess(throttled.Id, start), new JournalProcess(stranger.Id, strangerStart + 1)],
                    Detail = "research capped at 20 %",
                });
            }

            DaemonProcess.Signal(throttled.Id, "STOP");
            DaemonProcess.Signal(stranger.Id, "STOP");
            await WaitForStateAsync(throttled.Id, 'T', TimeSpan.FromSeconds(5));
            await WaitForStateAsync(stranger.Id, 'T', TimeSpan.FromSeconds(5));

            var config = Path.Combine(dir.Path, "gpuqos.yaml");
            await File.WriteAllTextAsync(config, $"enforcement:\n  journal: {journalPath}\n");
            // The first test to start the published binary publishes it, which takes minutes: not the recovery's time.
            await Operations.PublishedBinary.PathAsync();
            var launched = Stopwatch.StartNew();
            var resumed = WaitForStateAsync(throttled.Id, 'S', TimeSpan.FromSeconds(60));
            await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim", "--config", config]);
            var ready = launched.Elapsed;
            var resumedAfter = await resumed;
            output.WriteLine($"resumed {resumedAfter.TotalMilliseconds:0} ms after launch; ready after {ready.TotalMilliseconds:0} ms");

            // Resumed before the daemon reported ready: recovery is the first thing it does.
            Assert.True(resumedAfter <= ready, $"resumed {resumedAfter} after launch, but the daemon was ready at {ready}");
            Assert.Equal('T', ProcStat.Read(stranger.Id)!.Value.State);
            var actions = await daemon.Http.GetStringAsync("/api/v1/actions");
            Assert.Contains("\"recovered\"", actions, StringComparison.Ordinal);
            Assert.Empty(ActionJournal.Outstanding(ActionJournal.ReadAll(journalPath)));
        }
        finally
        {
            DaemonProcess.Signal(stranger.Id, "CONT");
            throttled.Kill();
            stranger.Kill();
        }
    }

    // sleep itself, not a shell running it: killing a shell would leave its sleep behind.
    private static Process Child() =>
        Process.Start(new ProcessStartInfo("sleep", ["600"]) { UseShellExecute = false }) ?? throw new InvalidOperationException("could not start sleep");

    private static async Task<TimeSpan> WaitForStateAsync(int pid, char state, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (ProcStat.Read(pid) is { } stat && stat.State == state)
            {
                return watch.Elapsed;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"process {pid.ToString(CultureInfo.InvariantCulture)} did not reach state {state} within {timeout}");
    }
}
