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
/// How precisely the enforcer holds a split between two tenants: two CPU burners pinned to one core, capped
/// by max-sm-share policies and throttled by SIGSTOP/SIGCONT duty cycles. Each run lasts 30 s; the split is
/// read from /proc (schedstat, ns resolution) every 0.5 s by the benchmark itself. Reported (custom columns): settling time (after which
/// every 1 s split stays within ±5 pp), mean absolute error after settling, and the largest 1 s deviation after
/// settling. The timing columns only say how long a run took.
/// </summary>
[Config(typeof(Config))]
public class EnforcementAccuracyBenchmarks
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);

    [Params("10/90", "30/70", "50/50")]
    public string Split { get; set; } = "30/70";

    [Benchmark]
    public async Task HoldSplit()
    {
        var capA = int.Parse(Split.Split('/')[0], System.Globalization.CultureInfo.InvariantCulture) / 100.0;
        var core = Environment.ProcessorCount - 1;
        using var a = CoreBurner.Start(core);
        using var b = CoreBurner.Start(core);
        var dir = Directory.CreateTempSubdirectory("gpuqos-bench-");
        try
        {
            using var backend = new EnforcementProcessBackend([(a.Id, "tenant-a"), (b.Id, "tenant-b")]);
            var pipeline = new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, new EnforcementUserAttributor(), TimeProvider.System, new BackendErrorCounter());
            var store = new SnapshotStore(100);
            using var enforcer = BenchEnforcer.Create(
                new EnforcementOptions { Journal = Path.Combine(dir.FullName, "actions.jsonl") },
                [Cap("tenant-a", capA), Cap("tenant-b", 1 - capA)],
                [new ThrottleActionFactory()],
                backend,
                TimeProvider.System,
                NullLogger<SlaEnforcer>.Instance,
                ChildActuator.Create());
            var splits = new List<(double Seconds, double ShareA)>();
            var watch = Stopwatch.StartNew();
            var (lastA, lastB) = (CoreBurner.CpuNanoseconds(a.Id), CoreBurner.CpuNanoseconds(b.Id));
            while (watch.Elapsed < Duration)
            {
                var snapshot = pipeline.Collect();
                store.Publish(snapshot);
                enforcer.Evaluate(snapshot, store.Window(TimeSpan.FromSeconds(1)));
                await Task.Delay(Interval);
                var (nowA, nowB) = (CoreBurner.CpuNanoseconds(a.Id), CoreBurner.CpuNanoseconds(b.Id));
                splits.Add((watch.Elapsed.TotalSeconds, (nowA - lastA) / (double)Math.Max(1, nowA - lastA + nowB - lastB)));
                (lastA, lastB) = (nowA, nowB);
            }

            Record(capA, splits);
        }
        finally
        {
            dir.Delete(recursive: true);
            a.Kill();
            b.Kill();
        }
    }

    private static void Record(double target, List<(double Seconds, double ShareA)> samples)
    {
        // 1 s windows (two samples) ride over the phase of the 100 ms duty cycle within one sample.
        var windows = samples.Zip(samples.Skip(1), (x, y) => (y.Seconds, Share: (x.ShareA + y.ShareA) / 2)).ToList();
        var settledIndex = windows.Count;
        for (var i = windows.Count - 1; i >= 0 && Math.Abs(windows[i].Share - target) <= 0.05; i--)
        {
            settledIndex = i;
        }

        var settled = windows.Skip(settledIndex).ToList();
        var split = FormattableString.Invariant($"{target * 100:0}/{(1 - target) * 100:0}");
        MeasuredColumn.Record(nameof(Split), split, "Settle s", settledIndex < windows.Count ? windows[settledIndex].Seconds : double.NaN);
        MeasuredColumn.Record(nameof(Split), split, "MAE pp", settled.Count > 0 ? settled.Average(w => Math.Abs(w.Share - target)) * 100 : double.NaN);
        MeasuredColumn.Record(nameof(Split), split, "Max dev pp", settled.Count > 0 ? settled.Max(w => Math.Abs(w.Share - target)) * 100 : double.NaN);

        // The whole settled period's split, as HAMi's users report theirs.
        var total = samples.SkipWhile(s => s.Seconds < (settledIndex < windows.Count ? windows[settledIndex].Seconds : double.MaxValue)).ToList();
        MeasuredColumn.Record(nameof(Split), split, "Split A %", total.Count > 0 ? total.Average(s => s.ShareA) * 100 : double.NaN);
    }

    private static PolicyOptions Cap(string tenant, double share) => new()
    {
        Name = tenant + "-cap",
        Tenant = tenant,
        For = TimeSpan.FromSeconds(1),
        Objectives = [new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MaxSmShare, Share = share, Window = TimeSpan.FromSeconds(1) }],
        Actions = [new ActionOptions { Type = KnownPolicyTypes.Actions.Throttle }],
    };

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // One run per split, in process so the custom columns can read what the run measured.
            AddJob(Job.Dry.WithWarmupCount(0).WithToolchain(InProcessNoEmitToolchain.Instance).WithId("closed-loop"));
            AddColumn(
                new MeasuredColumn(nameof(Split), "Split A %", "Tenant A's mean share after settling (target: the first number of Split)"),
                new MeasuredColumn(nameof(Split), "Settle s", "Seconds until every later 1 s split stays within ±5 pp of the target"),
                new MeasuredColumn(nameof(Split), "MAE pp", "Mean absolute error of 1 s splits after settling, percentage points"),
                new MeasuredColumn(nameof(Split), "Max dev pp", "Largest 1 s deviation after settling, percentage points"));
        }
    }
}
