using GpuQos.Collectors.Collection;
using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Engine;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Tests.TestSupport;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace GpuQos.Enforcer.Tests.Engine;

[Collection(RealProcessCollection.Name)]
public sealed class RealProcessClosedLoopTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private static PolicyOptions Cap(string tenant, double share) => new()
    {
        Name = $"{tenant}-cap",
        Tenant = tenant,
        For = TimeSpan.FromSeconds(1),
        Objectives = [new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MaxSmShare, Share = share, Window = TimeSpan.FromSeconds(1) }],
        Actions = [new ActionOptions { Type = KnownPolicyTypes.Actions.Throttle }],
    };

    [Fact]
    public async Task TwoBurnersOnOneCore_Caps30And70_SharesHeldWithin5pp()
    {
        var core = Environment.ProcessorCount - 1;
        using var a = new Burner(core);
        using var b = new Burner(core);
        var dir = Directory.CreateTempSubdirectory("gpuqos-real-");
        try
        {
            using var backend = new ProcCpuBackend([(a.Pid, "tenant-a"), (b.Pid, "tenant-b")]);
            var attributor = new UserAttributor(new Dictionary<string, string> { ["tenant-a"] = "tenant-a", ["tenant-b"] = "tenant-b" });
            var pipeline = new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, attributor, TimeProvider.System, new BackendErrorCounter());
            var store = new SnapshotStore(100);
            var options = new EnforcementOptions { Journal = Path.Combine(dir.FullName, "actions.jsonl") };
            // The burners are this test host's children: the daemon-tree exclusion would (rightly) refuse them.
            var processes = new OsProcessActuator(options.ThrottlePeriod, TimeProvider.System, exclusions: new ProcessExclusions(daemon: null));
            var enforcer = TestEnforcer.Create(options, [Cap("tenant-a", 0.30), Cap("tenant-b", 0.70)], SimHost.Factories, backend, TimeProvider.System, NullLogger<SlaEnforcer>.Instance, processes);
            using (enforcer)
            {
                // Settle, then measure 20 s from /proc ourselves, independently of what the controller sees.
                await RunAsync(pipeline, store, enforcer, TimeSpan.FromSeconds(5));
                var (a0, b0) = (Ticks(a.Pid), Ticks(b.Pid));
                await RunAsync(pipeline, store, enforcer, TimeSpan.FromSeconds(20));
                var (da, db) = (Ticks(a.Pid) - a0, Ticks(b.Pid) - b0);
                var shareA = (double)da / (da + db);
                output.WriteLine($"a={da / 1e6:0} ms b={db / 1e6:0} ms share a={shareA:0.000} b={1 - shareA:0.000}");
                output.WriteLine(string.Join(Environment.NewLine, enforcer.Status().Select(s => $"{s.Policy} {s.State} {string.Join(",", s.Actions)}")));
                Assert.InRange(shareA, 0.25, 0.35);
                Assert.InRange(1 - shareA, 0.65, 0.75);
            }

            // Disposing the enforcer lifted the throttle: neither process is left stopped.
            Assert.NotEqual('T', ProcStat.Read(a.Pid)!.Value.State);
            Assert.NotEqual('T', ProcStat.Read(b.Pid)!.Value.State);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static long Ticks(int pid) => ProcStat.CpuNanoseconds(pid) ?? throw new InvalidOperationException($"process {pid} is gone");

    private static async Task RunAsync(CollectionPipeline pipeline, SnapshotStore store, SlaEnforcer enforcer, TimeSpan duration)
    {
        var end = TimeProvider.System.GetTimestamp() + (long)(duration.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (TimeProvider.System.GetTimestamp() < end)
        {
            var snapshot = pipeline.Collect();
            store.Publish(snapshot);
            enforcer.Evaluate(snapshot, store.Window(TimeSpan.FromSeconds(1)));
            await Task.Delay(Interval);
        }
    }
}
