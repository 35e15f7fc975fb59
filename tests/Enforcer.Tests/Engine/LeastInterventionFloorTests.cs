using System.Diagnostics;
using GpuQos.Collectors.Collection;
using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Engine;
using GpuQos.Enforcer.Evaluation;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Tests.TestSupport;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace GpuQos.Enforcer.Tests.Engine;

/// <summary>
/// A floor against a greedy neighbour, on real processes: one CPU-burning victim and a neighbour of two burners
/// (so even a floor of 0.5 starts breached: unthrottled the victim gets a third), all pinned to one core that
/// stands in for the GPU. The least intervention gives the victim its floor plus the hysteresis and the
/// neighbour everything else; the split is measured from /proc by the test, independently of the controller.
/// </summary>
[Collection(RealProcessCollection.Name)]
public sealed class LeastInterventionFloorTests(ITestOutputHelper output)
{
    private const double Hysteresis = 0.02;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.7)]
    [InlineData(0.9)]
    public async Task GreedyNeighbour_Floor_VictimHeldAtFloorPlusHysteresisNotAbove(double floor)
    {
        var core = Environment.ProcessorCount - 1;
        using var victim = new Burner(core);
        using var noisyA = new Burner(core);
        using var noisyB = new Burner(core);
        var dir = Directory.CreateTempSubdirectory("gpuqos-floor-");
        try
        {
            using var backend = new ProcCpuBackend([(victim.Pid, "search"), (noisyA.Pid, "research"), (noisyB.Pid, "research")]);
            var attributor = new UserAttributor(new Dictionary<string, string> { ["search"] = "search", ["research"] = "research" });
            var pipeline = new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, attributor, TimeProvider.System, new BackendErrorCounter());
            var store = new SnapshotStore(100);
            var options = new EnforcementOptions { Journal = Path.Combine(dir.FullName, "actions.jsonl") };
            var policy = new PolicyOptions
            {
                Name = "search-floor",
                Tenant = "search",
                For = TimeSpan.FromSeconds(1),
                Hysteresis = Hysteresis,
                Objectives = [new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MinSmShare, Share = floor, Window = TimeSpan.FromSeconds(1) }],
                Actions = [new ActionOptions { Type = KnownPolicyTypes.Actions.Throttle }],
            };
            // The burners are this test host's children: the daemon-tree exclusion would (rightly) refuse them.
            var processes = new OsProcessActuator(options.ThrottlePeriod, TimeProvider.System, exclusions: new ProcessExclusions(daemon: null));
            using var enforcer = TestEnforcer.Create(options, [policy], SimHost.Factories, backend, TimeProvider.System, NullLogger<SlaEnforcer>.Instance, processes);

            // Wait (with a deadline, the machine may be loaded) for the throttle, then let the loops settle.
            var enforcing = await RunUntilAsync(pipeline, store, enforcer, () => enforcer.Status().Single().State == SlaState.Enforcing, TimeSpan.FromSeconds(60));
            Assert.True(enforcing, $"the floor of {floor} was never enforced: {string.Join(",", enforcer.Status().Single().Objectives)}");
            await RunUntilAsync(pipeline, store, enforcer, () => false, TimeSpan.FromSeconds(8));

            var before = (Ticks(victim.Pid), Ticks(noisyA.Pid) + Ticks(noisyB.Pid));
            var seen = new List<double>();
            await RunUntilAsync(pipeline, store, enforcer, () =>
            {
                seen.Add(store.Latest!.Tenants.FirstOrDefault(t => t.Tenant == "search")?.SmShare ?? 0);
                return false;
            }, TimeSpan.FromSeconds(16));
            var (dv, dn) = (Ticks(victim.Pid) - before.Item1, Ticks(noisyA.Pid) + Ticks(noisyB.Pid) - before.Item2);
            var share = (double)dv / (dv + dn);
            var target = floor + Hysteresis;
            output.WriteLine($"floor {floor:0.00}: victim {share:0.000} neighbour {1 - share:0.000} (least intervention {target:0.00}/{1 - target:0.00}); the enforcer saw the victim at {seen.Average():0.000} on average; {string.Join(",", enforcer.Status().Single().Actions)}");

            // Within 2 pp of floor + hysteresis: never under the floor, and not taking more from the neighbour.
            Assert.InRange(share, target - 0.02, target + 0.02);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static long Ticks(int pid) => ProcStat.CpuNanoseconds(pid) ?? throw new InvalidOperationException($"process {pid} is gone");

    private static async Task<bool> RunUntilAsync(CollectionPipeline pipeline, SnapshotStore store, SlaEnforcer enforcer, Func<bool> done, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            var snapshot = pipeline.Collect();
            store.Publish(snapshot);
            enforcer.Evaluate(snapshot, store.Window(TimeSpan.FromSeconds(1)));
            if (done())
            {
                return true;
            }

            await Task.Delay(Interval);
        }

        return false;
    }
}
