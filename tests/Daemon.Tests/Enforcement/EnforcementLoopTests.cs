using GpuQos.Model.Snapshots;
using GpuQos.Backends.Simulation;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Exposition;
using GpuQos.Daemon.Hosting;
using GpuQos.Daemon.Tests.TestSupport;
using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Engine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Daemon.Tests.Enforcement;

/// <summary>Enforcement runs on its own loop: a blocked enforcement step holds back neither collection nor /metrics.</summary>
public sealed class EnforcementLoopTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task EnforcementStepBlocked_CollectionAndMetricsKeepAdvancing_OlderSnapshotsDroppedAndCounted_LatestEvaluatedOnRelease()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var backend = new SimulatedBackend(ScenarioLoader.Demo(), time);
        var options = ConfigLoader.Resolve(null, demoHost: true).Options;
        using var gated = new GatedProcessActuator(new SimulatedProcessActuator(backend));
        var request = new RunRequest(options, "test", BackendKind.Sim, null, "127.0.0.1:0");
        using var freezerRoot = new TempDir();
        var actuators = new EnforcementActuators(gated, [], new CgroupFreezer(freezerRoot.Path), _ => null);
        await using var app = DaemonHost.Build(request, backend, time, configureServices: services => services.AddSingleton(actuators));
        var collection = app.Services.GetRequiredService<CollectionService>();
        var handOff = app.Services.GetRequiredService<EnforcementHandOff>();
        var renders = app.Services.GetRequiredService<ScrapeRenders>();
        var store = app.Services.GetRequiredService<SnapshotStore>();
        var service = app.Services.GetServices<IHostedService>().OfType<EnforcementService>().Single();
        await service.StartingAsync(CancellationToken.None);
        await service.StartAsync(CancellationToken.None);
        try
        {
            // The gate is shut: tick until an action of the demo policies reaches the process actuator and blocks
            // there, waiting after each tick until the loop has evaluated it, so no snapshot is dropped before.
            for (var tick = 0; !gated.Blocked; tick++)
            {
                Assert.True(tick < 120, "no enforcement step reached the process actuator within two simulated minutes");
                time.Advance(TimeSpan.FromSeconds(1));
                collection.RunCycle();
                var published = store.Latest!.Timestamp;
                await Until(() => gated.Blocked || handOff.LastEvaluated == published, "the loop to evaluate the snapshot");
            }

            var evaluatedBefore = handOff.LastEvaluated;
            var cyclesBefore = Value(Scrape(renders), "gpuqos_collection_cycles_total");

            // Five cycles while the enforcement step is blocked: each completes (off the collection thread).
            var cycles = Task.Run(() =>
            {
                for (var i = 0; i < 5; i++)
                {
                    time.Advance(TimeSpan.FromSeconds(1));
                    collection.RunCycle();
                }
            });
            await cycles.WaitAsync(Deadline);

            var during = Scrape(renders);
            Assert.True(gated.Blocked);
            Assert.Equal(cyclesBefore + 5, Value(during, "gpuqos_collection_cycles_total"));
            Assert.Equal(store.Latest!.Timestamp.ToUnixTimeMilliseconds() / 1000.0, Value(during, "gpuqos_last_collection_timestamp_seconds"));

            // One snapshot waits for the loop; the four older ones were replaced by a newer one and counted.
            Assert.Equal(4, handOff.DroppedCount);

            // The scrape writes the sources after the fifth cycle's hand-off, so /metrics counts all four drops.
            Assert.Equal(4, Value(during, "gpuqos_enforcement_snapshots_dropped_total"));
            Assert.Equal(evaluatedBefore, handOff.LastEvaluated);

            // Released, the loop finishes its step and evaluates the latest snapshot, not the ones dropped.
            gated.Release();
            var latest = store.Latest!.Timestamp;
            await Until(() => handOff.LastEvaluated == latest, "the loop to evaluate the latest snapshot");
            Assert.Equal(4, handOff.DroppedCount);
        }
        finally
        {
            gated.Release();
            await service.StopAsync(CancellationToken.None);
        }
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            Assert.True(TimeProvider.System.GetElapsedTime(started) < Deadline, "timed out waiting for " + what);
            await Task.Delay(5);
        }
    }

    private static IReadOnlyList<Sample> Scrape(ScrapeRenders renders) => InProcessScrape.Samples(renders);

    private static double Value(IReadOnlyList<Sample> samples, string name) => samples.Single(s => s.Name == name).Value;

    /// <summary>The simulated host's process actuator behind a gate: while shut, every call waits on it.</summary>
    private sealed class GatedProcessActuator(IProcessActuator inner) : IProcessActuator
    {
        private readonly ManualResetEventSlim _gate = new(false);
        private volatile bool _blocked;

        public bool Blocked => _blocked && !_gate.IsSet;

        public string Kind => inner.Kind;

        public void Release() => _gate.Set();

        public ProcessKey? Identify(ProcessSnapshot process)
        {
            Wait();
            return inner.Identify(process);
        }

        public void SetDutyCycle(ProcessKey process, double duty)
        {
            Wait();
            inner.SetDutyCycle(process, duty);
        }

        public int? GetNice(ProcessKey process)
        {
            Wait();
            return inner.GetNice(process);
        }

        public void SetNice(ProcessKey process, int nice)
        {
            Wait();
            inner.SetNice(process, nice);
        }

        public void Dispose()
        {
            _gate.Set();
            _gate.Dispose();
            inner.Dispose();
        }

        private void Wait()
        {
            if (!_gate.IsSet)
            {
                _blocked = true;
                _gate.Wait(Deadline);
            }
        }
    }
}
