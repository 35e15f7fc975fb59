using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.NoEmit;
using GpuQos.Collectors.Collection;
using GpuQos.Enforcer.Actions;
using GpuQos.Enforcer.Engine;
using GpuQos.Enforcer.Policies;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Logging.Abstractions;

namespace GpuQos.Benchmarks;

/// <summary>
/// How little a floor takes from a greedy neighbour: a victim burner and a neighbour of two burners, pinned to
/// one core, the victim protected by a <c>min-sm-share</c> floor with a <c>throttle</c> action. Each run lasts
/// 40 s; the split after the first 15 s is read from /proc by the benchmark. Reported next to each other: the
/// victim's achieved share and the least-intervention share (floor + hysteresis), so over-throttling of the
/// neighbour shows as the difference.
/// </summary>
[Config(typeof(Config))]
public class FloorSplitBenchmarks
{
    private const double Hysteresis = 0.02;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(40);

    [Params("0.5", "0.7", "0.9")]
    public string Floor { get; set; } = "0.7";

    [Benchmark]
    public async Task HoldFloor()
    {
        var floor = double.Parse(Floor, System.Globalization.CultureInfo.InvariantCulture);
        var core = Environment.ProcessorCount - 1;
        using var victim = CoreBurner.Start(core);
        using var noisyA = CoreBurner.Start(core);
        using var noisyB = CoreBurner.Start(core);
        var dir = Directory.CreateTempSubdirectory("gpuqos-bench-floor-");
        try
        {
            using var backend = new EnforcementProcessBackend([(victim.Id, "search"), (noisyA.Id, "research"), (noisyB.Id, "research")]);
            var pipeline = new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, new EnforcementUserAttributor(), TimeProvider.System, new BackendErrorCounter());
            var store = new SnapshotStore(100);
            var policy = new PolicyOptions
            {
                Name = "search-floor",
                Tenant = "search",
                For = TimeSpan.FromSeconds(1),
                Hysteresis = Hysteresis,
                Objectives = [new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MinSmShare, Share = floor, Window = TimeSpan.FromSeconds(1) }],
                Actions = [new ActionOptions { Type = KnownPolicyTypes.Actions.Throttle }],
            };
            using var enforcer = BenchEnforcer.Create(
                new EnforcementOptions { Journal = Path.Combine(dir.FullName, "actions.jsonl") },
                [policy],
                [new ThrottleActionFactory()],
                backend,
                TimeProvider.System,
                NullLogger<SlaEnforcer>.Instance,
                ChildActuator.Create());
            var watch = Stopwatch.StartNew();
            (long Victim, long Neighbour)? start = null;
            while (watch.Elapsed < Duration)
            {
                var snapshot = pipeline.Collect();
                store.Publish(snapshot);
                enforcer.Evaluate(snapshot, store.Window(TimeSpan.FromSeconds(1)));
                await Task.Delay(Interval);
                if (start is null && watch.Elapsed >= Settle)
                {
                    start = (CoreBurner.CpuNanoseconds(victim.Id), CoreBurner.CpuNanoseconds(noisyA.Id) + CoreBurner.CpuNanoseconds(noisyB.Id));
                }
            }

            var (v0, n0) = start ?? (0, 0);
            var (dv, dn) = (CoreBurner.CpuNanoseconds(victim.Id) - v0, CoreBurner.CpuNanoseconds(noisyA.Id) + CoreBurner.CpuNanoseconds(noisyB.Id) - n0);
            MeasuredColumn.Record(nameof(Floor), Floor, "Victim %", 100.0 * dv / Math.Max(1, dv + dn));
            MeasuredColumn.Record(nameof(Floor), Floor, "Least %", 100 * (floor + Hysteresis));
        }
        finally
        {
            dir.Delete(recursive: true);
            victim.Kill();
            noisyA.Kill();
            noisyB.Kill();
        }
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // One run per floor, in process so the custom columns can read what the run measured.
            AddJob(Job.Dry.WithWarmupCount(0).WithToolchain(InProcessNoEmitToolchain.Instance).WithId("floor"));
            AddColumn(
                new MeasuredColumn(nameof(Floor), "Victim %", "The victim's share of the core after 15 s of enforcement, from /proc"),
                new MeasuredColumn(nameof(Floor), "Least %", "The least intervention that meets the floor: floor + hysteresis"));
        }
    }
}
