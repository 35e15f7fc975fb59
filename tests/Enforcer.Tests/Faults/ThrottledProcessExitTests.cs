using GpuQos.Collectors.Collection;
using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Engine;
using GpuQos.Enforcer.Evaluation;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Tests.TestSupport;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace GpuQos.Enforcer.Tests.Faults;

/// <summary>
/// Issue #9: a throttled process exits (SIGKILL) while the duty cycle holds it stopped. The throttler retires
/// it (nothing is signalled for it again), the enforcer neither fails nor logs errors, the throttle goes slack
/// and is lifted, and the other process is never left stopped.
/// </summary>
public sealed class ThrottledProcessExitTests(ITestOutputHelper output)
{
    [Fact]
    public async Task KilledWhileStopped_RetiredAndLiftedWithoutErrors()
    {
        var core = Environment.ProcessorCount - 1;
        using var calm = new Burner(core);
        using var noisy = new Burner(core);
        var dir = Directory.CreateTempSubdirectory("gpuqos-exit-");
        try
        {
            using var backend = new ProcCpuBackend([(calm.Pid, "calm"), (noisy.Pid, "noisy")]);
            var attributor = new UserAttributor(new Dictionary<string, string> { ["calm"] = "calm", ["noisy"] = "noisy" });
            var pipeline = new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, attributor, TimeProvider.System, new BackendErrorCounter());
            var store = new SnapshotStore(100);
            var options = new EnforcementOptions { Journal = Path.Combine(dir.FullName, "actions.jsonl") };
            // The burners are this test host's children: the daemon-tree exclusion would (rightly) refuse them.
            var processes = new OsProcessActuator(options.ThrottlePeriod, TimeProvider.System, exclusions: new ProcessExclusions(daemon: null));
            var logger = new RecordingLogger<SlaEnforcer>();
            var policy = new PolicyOptions
            {
                Name = "noisy-cap",
                Tenant = "noisy",
                For = TimeSpan.FromSeconds(1),
                Objectives = [new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MaxSmShare, Share = 0.2, Window = TimeSpan.FromSeconds(1) }],
                Actions = [new ActionOptions { Type = KnownPolicyTypes.Actions.Throttle }],
            };
            using (var enforcer = TestEnforcer.Create(options, [policy], SimHost.Factories, backend, TimeProvider.System, logger, processes))
            {
                var cycle = () =>
                {
                    var snapshot = pipeline.Collect();
                    store.Publish(snapshot);
                    enforcer.Evaluate(snapshot, store.Window(TimeSpan.FromSeconds(1)));
                };

                // Throttle until /proc shows the noisy process stopped by the duty cycle, then kill it there.
                var stoppedSeen = await CycleUntil(cycle, () => ProcStat.Read(noisy.Pid)?.State == 'T', TimeSpan.FromSeconds(30));
                Assert.True(stoppedSeen, "the noisy process was never stopped");
                Assert.Contains(processes.Throttler.Throttled, t => t.Process.Pid == noisy.Pid);
                DaemonSignals.Send(noisy.Pid, "KILL");

                // Before any evaluation cycle could lift the throttle, the duty-cycle thread has let go of it.
                var retired = false;
                for (var i = 0; i < 50 && !retired; i++)
                {
                    await Task.Delay(20);
                    retired = processes.Throttler.Throttled.All(t => t.Process.Pid != noisy.Pid);
                }

                Assert.True(retired, "the throttler still holds a process that exited");

                var lifted = await CycleUntil(cycle, () => enforcer.Status().Single().Actions.Count == 0 && enforcer.Status().Single().State == SlaState.Ok, TimeSpan.FromSeconds(30));
                output.WriteLine(string.Join(Environment.NewLine, enforcer.RecentActions().Select(a => $"{a.Action} {a.Result} {a.Detail}")));
                Assert.True(lifted, "the throttle of the exited process was never lifted");
                Assert.DoesNotContain(processes.Throttler.Throttled, t => t.Process.Pid == noisy.Pid);
                Assert.Empty(enforcer.Failures());
                Assert.DoesNotContain(enforcer.RecentActions(), a => a.Result is ActionResults.Failed or ActionResults.RevertFailed);
                Assert.Contains(enforcer.RecentActions(), a => a.Action == KnownPolicyTypes.Actions.Throttle && a.Result == ActionResults.Reverted);
                Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Error);
                Assert.NotEqual('T', ProcStat.Read(calm.Pid)!.Value.State);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<bool> CycleUntil(Action cycle, Func<bool> done, TimeSpan timeout)
    {
        var end = TimeProvider.System.GetTimestamp() + (long)(timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (TimeProvider.System.GetTimestamp() < end)
        {
            cycle();
            for (var i = 0; i < 25; i++)
            {
                if (done())
                {
                    return true;
                }

                await Task.Delay(20);
            }
        }

        return false;
    }
}
