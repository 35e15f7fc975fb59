using GpuQos.Collectors.Collection;
using GpuQos.Collectors.Tests.Attribution;
using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Engine;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Tests.TestSupport;
using GpuQos.Model.Procfs;
using GpuQos.Model.Snapshots;

namespace GpuQos.Enforcer.Tests.Engine;

/// <summary>
/// Issue #18 (Why 4): NVML reports the host's PIDs. A daemon in a PID namespace of its own refuses every
/// process action with that reason, counts the refusal, and signals, renices and freezes nothing; device
/// actions are not its concern. Real processes stand in for the GPU's, so a missing guard would show as a
/// stopped or reniced process.
/// </summary>
public sealed class PidNamespaceGuardTests
{
    private static readonly string[] ProcessActionTypes = [KnownPolicyTypes.Actions.Throttle, KnownPolicyTypes.Actions.Priority, KnownPolicyTypes.Actions.Freeze];

    [Fact]
    public async Task Act_ForeignPidNamespace_RefusesThrottlePriorityAndFreezeWithTheReasonAndCountsThem()
    {
        using var procfs = PidNamespaceFixture.Container();
        var (records, counts, throttled, nice, journal) = await BreachAsync(new PidNamespaceCheck(procfs.Root), untilActed: ProcessActionTypes.Length);

        foreach (var type in ProcessActionTypes)
        {
            var refusal = Assert.Single(records, r => r.Action == type && r.Result == ActionResults.Refused).Detail;
            Assert.Contains("not in it", refusal, StringComparison.Ordinal);
            Assert.Contains(PidNamespaceFixture.ContainerNamespace, refusal, StringComparison.Ordinal);
            Assert.True(counts.GetValueOrDefault((type, "noisy-cap", ActionResults.Refused)) >= 1, $"{type}'s refusal was not counted");
        }

        Assert.DoesNotContain(records, r => r.Result is ActionResults.Applied or ActionResults.Failed);
        Assert.False(throttled, "a process was throttled through a foreign PID namespace");
        Assert.Equal(0, nice);
        Assert.DoesNotContain("\"apply\"", journal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Act_HostPidNamespace_AppliesTheSameActions()
    {
        using var procfs = PidNamespaceFixture.Host();
        var (records, _, throttled, nice, _) = await BreachAsync(new PidNamespaceCheck(procfs.Root), untilActed: 2);

        Assert.Contains(records, r => r.Action == KnownPolicyTypes.Actions.Throttle && r.Result == ActionResults.Applied);
        Assert.Contains(records, r => r.Action == KnownPolicyTypes.Actions.Priority && r.Result == ActionResults.Applied);
        Assert.DoesNotContain(records, r => r.Detail.Contains("PID namespace", StringComparison.Ordinal));
        Assert.True(throttled);
        Assert.Equal(5, nice);
    }

    /// <summary>
    /// Breaches a ceiling with two real processes sharing one core until <paramref name="untilActed"/> of the
    /// policy's actions have a result; returns what the enforcer recorded and what the noisy process went through.
    /// </summary>
    private static async Task<(IReadOnlyList<ActionRecord> Records, Dictionary<(string, string, string), long> Counts, bool Throttled, int? Nice, string Journal)> BreachAsync(PidNamespaceCheck check, int untilActed)
    {
        var core = Environment.ProcessorCount - 1;
        using var calm = new Burner(core);
        using var noisy = new Burner(core);
        var dir = Directory.CreateTempSubdirectory("gpuqos-pidns-guard-");
        try
        {
            using var backend = new ProcCpuBackend([(calm.Pid, "calm"), (noisy.Pid, "noisy")]);
            var attributor = new UserAttributor(new Dictionary<string, string> { ["calm"] = "calm", ["noisy"] = "noisy" });
            var pipeline = new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, attributor, TimeProvider.System, new BackendErrorCounter());
            var store = new SnapshotStore(100);
            var options = new EnforcementOptions { Journal = Path.Combine(dir.FullName, "actions.jsonl"), CgroupRoot = dir.FullName };
            // The burners are this test host's children: the daemon-tree exclusion would refuse them for another reason.
            using var processes = new OsProcessActuator(options.ThrottlePeriod, TimeProvider.System, exclusions: new ProcessExclusions(daemon: null));
            var policy = new PolicyOptions
            {
                Name = "noisy-cap",
                Tenant = "noisy",
                For = TimeSpan.FromSeconds(1),
                Objectives = [new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MaxSmShare, Share = 0.2, Window = TimeSpan.FromSeconds(1) }],
                Actions =
                [
                    new ActionOptions { Type = KnownPolicyTypes.Actions.Throttle },
                    new ActionOptions { Type = KnownPolicyTypes.Actions.Priority, Nice = 5 },
                    new ActionOptions { Type = KnownPolicyTypes.Actions.Freeze },
                ],
            };
            using var enforcer = TestEnforcer.Create(options, [policy], SimHost.Factories, backend, TimeProvider.System, new RecordingLogger<SlaEnforcer>(), processes, pidNamespace: check);
            var throttled = false;
            int? nice = null;
            var end = TimeProvider.System.GetTimestamp() + (30 * TimeProvider.System.TimestampFrequency);
            while (TimeProvider.System.GetTimestamp() < end && enforcer.RecentActions().Select(a => a.Action).Distinct().Count() < untilActed)
            {
                var snapshot = pipeline.Collect();
                store.Publish(snapshot);
                enforcer.Evaluate(snapshot, store.Window(TimeSpan.FromSeconds(1)));
                throttled |= processes.Throttler.Throttled.Any(t => t.Process.Pid == noisy.Pid);
                await Task.Delay(100);
            }

            nice = ProcStat.Read(noisy.Pid) is { } stat ? processes.GetNice(new ProcessKey(noisy.Pid, stat.StartTime)) : null;
            var records = enforcer.RecentActions().ToList();
            var counts = enforcer.ActionCounts().ToDictionary(kv => kv.Key, kv => kv.Value);
            enforcer.RevertAll("test over");
            return (records, counts, throttled, nice, File.Exists(options.Journal) ? await File.ReadAllTextAsync(options.Journal) : "");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
