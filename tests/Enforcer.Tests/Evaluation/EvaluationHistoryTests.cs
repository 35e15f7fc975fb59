using GpuQos.Enforcer.Evaluation;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Tests.TestSupport;
using GpuQos.Model.Devices;
using GpuQos.Model.Snapshots;
using Objective = GpuQos.Enforcer.Policies.KnownPolicyTypes.Objectives;

namespace GpuQos.Enforcer.Tests.Evaluation;

/// <summary>
/// The history kept across evaluation cycles: sliding it forward must give exactly what looking every
/// snapshot up again gives, and must look up only the new snapshots.
/// </summary>
public sealed class EvaluationHistoryTests
{
    private static readonly string[] Tenants = ["search", "ads", "batch"];

    private static readonly ObjectiveOptions[] Objectives =
    [
        new() { Type = Objective.MinSmShare, Share = 0.3, Window = TimeSpan.FromSeconds(5), DemandThreshold = 0.01 },
        new() { Type = Objective.MinSmShare, Share = 0.2, Window = TimeSpan.FromSeconds(1) },
        new() { Type = Objective.MaxSmShare, Share = 0.5, Window = TimeSpan.FromSeconds(12) },
        new() { Type = Objective.MaxSmShare, Share = 0.4, Window = TimeSpan.FromSeconds(3) },
        new() { Type = Objective.MaxMemory, Bytes = 3L << 30, Window = TimeSpan.FromSeconds(4) },
        new() { Type = Objective.MaxCoTenants, Count = 1, Window = TimeSpan.FromSeconds(8) },
    ];

    /// <summary>
    /// A random cycle on two GPUs: each tenant is absent or present with a share (sometimes unknown, as under
    /// MPS), memory and co-tenants; a GPU's device or process read sometimes fails.
    /// </summary>
    private static HostSnapshot RandomCycle(Random random, int second)
    {
        var gpus = new GpuSnapshot[2];
        var usages = new List<TenantUsage>();
        for (var g = 0; g < gpus.Length; g++)
        {
            var processesRead = random.Next(8) != 0;
            gpus[g] = new GpuSnapshot
            {
                Identity = new GpuIdentity(g, $"GPU-{g}", "NVIDIA A100-SXM4-80GB", $"0000:{g:x2}:00.0"),
                Device = random.Next(10) == 0 ? null : new DeviceReading { Mode = SharingMode.TimeSliced, MemoryTotalBytes = 80L << 30, MemoryUsedBytes = 1L << 30 },
                ProcessesRead = processesRead,
            };
            foreach (var tenant in Tenants)
            {
                if (processesRead && random.Next(3) != 0)
                {
                    double? share = random.Next(12) == 0 ? null : Math.Round(random.NextDouble(), 3);
                    usages.Add(new TenantUsage(tenant, g, share, random.NextInt64(8L << 30), random.Next(3), random.Next(3)));
                }
            }
        }

        return TestSnapshots.At(second, gpus, new TenantUsages(usages));
    }

    /// <summary>The objective as a plain walk over every snapshot of its window, looking each one up.</summary>
    private static (double? Value, bool Violated) Reference(ObjectiveOptions o, string tenant, int gpu, IReadOnlyList<HostSnapshot> history)
    {
        var from = history[^1].Timestamp - o.Window;
        var window = history.Where(s => s.Timestamp > from).ToList();
        if (o.Type is Objective.MaxMemory or Objective.MaxCoTenants)
        {
            var max = window.Max(s => o.Type == Objective.MaxMemory ? s.UsageOf(tenant, gpu)?.MemoryUsedBytes ?? 0 : (double)(s.UsageOf(tenant, gpu)?.CoTenants ?? 0));
            return (max, max > (o.Type == Objective.MaxMemory ? o.Bytes!.Value : o.Count!.Value));
        }

        var read = window.Where(s => s.Gpus[gpu].ProcessesRead && s.Gpus[gpu].Device is not null).ToList();
        if (read.Count == 0)
        {
            return (null, false);
        }

        var usages = read.Select(s => s.UsageOf(tenant, gpu)).ToList();
        double? share = usages.Any(u => u is { SmShare: null }) ? null : usages.Sum(u => u?.SmShare ?? 0) / usages.Count;
        if (o.Type == Objective.MaxSmShare)
        {
            return (share, share > o.Share);
        }

        var demand = usages[^1] is { Processes: > 0 } && share >= o.DemandThreshold;
        return (share, demand && share < o.Share);
    }

    [Fact]
    public void SlidingForward_MatchesAPlainWalk_AndLooksUpOnlyTheNewSnapshots()
    {
        // 400 cycles over a history that grows to 12 snapshots and then slides by one, two or none per cycle.
        var random = new Random(20261206);
        var timeline = Enumerable.Range(0, 500).Select(i => RandomCycle(random, i)).ToList();
        var history = new EvaluationHistory();
        var (end, checkedObjectives, advanced) = (0, 0, false);
        for (var cycle = 0; cycle < 400; cycle++)
        {
            var next = Math.Min(end + (random.Next(4) switch { 0 => 0, 3 => 2, _ => 1 }), timeline.Count);
            var step = next - end;
            end = next;
            if (end == 0)
            {
                continue;
            }

            var window = timeline.GetRange(Math.Max(0, end - 12), Math.Min(end, 12));
            var before = history.Lookups;
            history.Advance(window);
            foreach (var tenant in Tenants)
            {
                for (var gpu = 0; gpu < 2; gpu++)
                {
                    var series = history.SeriesOf(tenant, gpu);
                    foreach (var o in Objectives)
                    {
                        var got = ObjectiveEvaluator.Evaluate(o, series, history, hysteresis: 0);
                        var want = Reference(o, tenant, gpu, window);
                        Assert.True(want.Violated == got.Violated, $"cycle {cycle}, {tenant} on GPU {gpu}, {o.Type} over {o.Window}: want {want}, got {got}");
                        Assert.Equal(want.Value is null, got.Value is null);
                        if (want.Value is { } v)
                        {
                            Assert.Equal(v, got.Value!.Value, 9);
                        }

                        checkedObjectives++;
                    }
                }
            }

            // After the first cycle, each of the 6 series looks up only the snapshots that slid in.
            Assert.Equal(6 * (advanced ? step : window.Count), history.Lookups - before);
            advanced = true;
        }

        Assert.True(checkedObjectives > 350 * 6 * Objectives.Length, $"{checkedObjectives} objectives checked");
    }

    [Fact]
    public void AHistoryThatDoesNotContinue_IsLookedUpAgain()
    {
        var random = new Random(7);
        var first = Enumerable.Range(0, 5).Select(i => RandomCycle(random, i)).ToList();
        var other = Enumerable.Range(0, 5).Select(i => RandomCycle(random, i)).ToList();
        var history = new EvaluationHistory(first);
        history.SeriesOf("search", 0);

        // Same timestamps, another timeline (a replay): nothing of the first may be kept.
        history.Advance(other);
        var series = history.SeriesOf("search", 0);

        Assert.Equal(10, history.Lookups);
        Assert.Equal(other.Select(s => s.UsageOf("search", 0)), series.Usage.ToArray());
    }

    [Fact]
    public void ASeriesNobodyAskedForInACycle_IsDropped_AndAKeptReferenceIsLookedUpAgain()
    {
        var random = new Random(11);
        var timeline = Enumerable.Range(0, 6).Select(i => RandomCycle(random, i)).ToList();
        var history = new EvaluationHistory(timeline[..3]);
        var kept = history.SeriesOf("ads", 1);

        history.Advance(timeline[1..4]);   // nobody asks for ads on GPU 1 in this cycle
        history.Advance(timeline[2..5]);   // so it is gone by this one
        var again = history.Refresh(kept);

        Assert.NotSame(kept, again);
        Assert.Equal(timeline[2..5].Select(s => s.UsageOf("ads", 1)), again.Usage.ToArray());
        Assert.Same(again, history.SeriesOf("ads", 1));
    }
}
