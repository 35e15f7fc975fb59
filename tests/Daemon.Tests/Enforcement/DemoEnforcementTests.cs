using GpuQos.Backends.Simulation;
using GpuQos.Collectors.Collection;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Hosting;
using GpuQos.Daemon.Tests.TestSupport;
using GpuQos.Daemon.Workload;
using GpuQos.Enforcer.Actions;
using GpuQos.Enforcer.Engine;
using GpuQos.Enforcer.Evaluation;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Workload;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Daemon.Tests.Enforcement;

/// <summary>The shipped demo configuration on the simulated demo host, one collection interval per tick.</summary>
public sealed class DemoEnforcementTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuqos-demo-");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void DemoConfig_NoisyNeighbour_BreachedAndActedOnWithinAMinuteThenLiftedAndClocksReset()
    {
        var config = ConfigLoader.LoadFile(RepoPaths.Combine("scenarios", "demo-config.yaml"));
        using var backend = new SimulatedBackend(ScenarioLoader.Demo(), _time);
        var pipeline = new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, new ConfigTenantAttributor(config.Tenants), _time, new BackendErrorCounter());
        var store = new SnapshotStore(600);
        var options = new EnforcementOptions { Mode = config.Enforcement.Mode, Journal = Path.Combine(_dir.FullName, "actions.jsonl") };
        IActionFactory[] factories = [new ThrottleActionFactory(), new LockClocksActionFactory(), new PriorityActionFactory()];

        // search's p99 objective reads the histogram search-inference serves on its own port, as the daemon does.
        var readings = new WorkloadReadings(_time);
        using var http = WorkloadHttp.For(backend);
        var sampler = new WorkloadSampler(readings, [new ScrapeReader(http.Client, new WorkloadMetricsOptions())], NullLogger<WorkloadSampler>.Instance);
        var enforcer = new SlaEnforcer(options, config.Policies, factories, backend, EnforcementBackend.Actuators(backend, options, _time), EnforcementBackend.Journal(backend, options), _time, NullLogger<SlaEnforcer>.Instance, workload: readings);
        try
        {
            SlaState? Search() => enforcer.Status().SingleOrDefault(s => s.Policy == "search-guaranteed-share")?.State;
            bool Locked() => store.Latest!.Gpus[1].Device!.LockedClockHz is not null;
            void Tick()
            {
                _time.Advance(TimeSpan.FromSeconds(1));
                sampler.ReadOnceAsync(config.Policies, CancellationToken.None).GetAwaiter().GetResult();
                var snapshot = pipeline.Collect();
                store.Publish(snapshot);
                enforcer.Evaluate(snapshot, store.Window(TimeSpan.FromSeconds(3)));
            }

            // Within a minute of start the noisy neighbour has breached search's floor and the enforcer acts.
            var t = 0;
            while (t < 60 && Search() != SlaState.Enforcing)
            {
                Tick();
                t++;
            }

            Assert.Equal(SlaState.Enforcing, Search());
            Assert.Contains(enforcer.RecentActions(), a => a.Action == "throttle" && a.Result == "applied");
            Assert.Contains(enforcer.RecentActions(), a => a.Action == "lock-clocks" && a.Result == "applied");
            Tick();
            Assert.True(Locked(), "the clock of GPU 1 is not locked while enforcing");

            // The research memory ceiling is dry-run: planned and journaled, never applied.
            Assert.Contains(enforcer.RecentActions(), a => a.Policy == "research-memory-ceiling" && a.Action == "priority" && a.Result == "dry-run");
            Assert.DoesNotContain(enforcer.RecentActions(), a => a.Policy == "research-memory-ceiling" && a.Result == "applied");

            // The neighbour calms down at 85 s; the throttle and the clock lock are lifted.
            while (t < 140 && Search() != SlaState.Ok)
            {
                Tick();
                t++;
            }

            Assert.Equal(SlaState.Ok, Search());
            Tick();
            Assert.False(Locked(), "the clock of GPU 1 is still locked after recovery");
            Assert.Contains(enforcer.RecentActions(), a => a.Action == "lock-clocks" && a.Result == "reverted");

            // The neighbour comes back every 150 s; a shutdown while enforcing resets the clock too.
            while (t < 240 && Search() != SlaState.Enforcing)
            {
                Tick();
                t++;
            }

            Assert.Equal(SlaState.Enforcing, Search());
            Tick();
            Assert.True(Locked());
        }
        finally
        {
            enforcer.Dispose();
        }

        // The simulated GPU computes one state per instant; read the next one.
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(backend.ReadDevice(1).LockedClockHz);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
