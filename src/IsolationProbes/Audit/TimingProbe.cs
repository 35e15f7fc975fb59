using GpuQos.IsolationProbes.Worker;

namespace GpuQos.IsolationProbes.Audit;

/// <summary>
/// Compute, bandwidth and cache probes: the victim's kernel alone, then beside the aggressor, in two
/// alternating rounds (baseline, contended, baseline, contended) so that drift on a busy host lands in both.
/// </summary>
internal static class TimingProbe
{
    private static readonly TimeSpan AggressorSpinUp = TimeSpan.FromMilliseconds(100);

    public static async Task<ProbeResult> RunAsync(ProbeKind kind, WorkerClient victim, WorkerClient aggressor, AuditPlan plan, CancellationToken ct)
    {
        var (victimRequest, aggressorRequest) = Requests(kind, victim.Info.CacheBytes, plan.Sizes, Math.Max(1, victim.Info.Cores.Count), Math.Max(1, aggressor.Info.Cores.Count));
        var half = Math.Max(3, plan.Options.Repetitions / 2);
        var baseline = new List<double>();
        var contended = new List<double>();
        for (var round = 0; round < 2; round++)
        {
            var warmup = round == 0 ? plan.Options.Warmup : 1;
            baseline.AddRange(await MeasureAsync(victim, victimRequest with { Warmup = warmup, Repetitions = half }, ct));
            await aggressor.SendAsync(aggressorRequest, ct);
            try
            {
                await Task.Delay(AggressorSpinUp, ct);
                contended.AddRange(await MeasureAsync(victim, victimRequest with { Warmup = 1, Repetitions = half }, ct));
            }
            finally
            {
                await aggressor.SendAsync(new WorkerRequest { Op = WorkerOps.Stop }, ct);
            }
        }

        return Decide(kind, victim.Partition, aggressor.Partition, plan.Options, baseline, contended);
    }

    /// <summary>The verdict from two samples: slowdown, its bootstrap interval, and the Mann–Whitney p-value.</summary>
    public static ProbeResult Decide(ProbeKind kind, AuditPartition victim, AuditPartition aggressor, AuditOptions options, IReadOnlyList<double> baseline, IReadOnlyList<double> contended)
    {
        var slowdown = ProbeStatistics.Median(contended) / ProbeStatistics.Median(baseline);
        var (low, high) = ProbeStatistics.BootstrapRatioOfMedians(baseline, contended);
        var (_, p) = ProbeStatistics.MannWhitney(baseline, contended);
        var threshold = options.Thresholds.For(victim.Mode);
        var verdict = threshold is null ? ProbeVerdicts.Reported : low > threshold ? ProbeVerdicts.Failed : ProbeVerdicts.Passed;
        var what = kind switch
        {
            ProbeKind.Compute => "compute",
            ProbeKind.Bandwidth => "memory bandwidth",
            _ => "cache latency",
        };
        var summary = $"{what}: {victim.Name} ran {slowdown:0.###}x slower beside {aggressor.Name} (95% CI {low:0.###}-{high:0.###}, p={p:0.####})"
            + (threshold is null ? $"; {victim.Mode} sets no threshold, figures reported only" : $"; threshold {threshold:0.###}x");
        return new ProbeResult
        {
            Probe = Name(kind),
            Gpu = victim.Gpu,
            Victim = victim.Name,
            Aggressor = aggressor.Name,
            Mode = victim.Mode,
            Verdict = verdict,
            Summary = summary,
            Threshold = threshold,
            Slowdown = slowdown,
            SlowdownLow = low,
            SlowdownHigh = high,
            PValue = p,
            BaselineSeconds = baseline,
            ContendedSeconds = contended,
        };
    }

    public static string Name(ProbeKind kind) => Model.Configuration.YamlBinder.Kebab(kind.ToString());

    private static async Task<IReadOnlyList<double>> MeasureAsync(WorkerClient victim, WorkerRequest request, CancellationToken ct) =>
        (await victim.SendAsync(request, ct)).TimingsSeconds ?? throw new ProbeWorkerException($"worker for {victim.Partition.Name} returned no timings");

    private static (WorkerRequest Victim, WorkerRequest Aggressor) Requests(ProbeKind kind, long cacheBytes, ProbeSizes s, int victimCores, int aggressorCores)
    {
        var cache = Math.Max(1L << 20, cacheBytes);
        return kind switch
        {
            ProbeKind.Compute => (
                new WorkerRequest { Op = WorkerOps.Measure, Kernel = "fma", Size = s.FmaElements * victimCores, Iterations = s.FmaIterations },
                new WorkerRequest { Op = WorkerOps.Aggress, Kernel = "fma", Size = s.FmaElements * aggressorCores, Iterations = s.FmaIterations }),
            ProbeKind.Bandwidth => (
                new WorkerRequest { Op = WorkerOps.Measure, Kernel = "triad", Size = s.TriadElements },
                new WorkerRequest { Op = WorkerOps.Aggress, Kernel = "triad", Size = s.TriadElements }),
            ProbeKind.Cache => (
                // The victim's chain fits in half the cache; the thrasher sweeps four times the cache.
                new WorkerRequest { Op = WorkerOps.Measure, Kernel = "chase", Size = cache / 2 / sizeof(int), Iterations = s.ChaseSteps },
                new WorkerRequest { Op = WorkerOps.Aggress, Kernel = "thrash", Size = cache * 4 / sizeof(int), Iterations = s.ThrashSweeps }),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a timing probe"),
        };
    }
}
