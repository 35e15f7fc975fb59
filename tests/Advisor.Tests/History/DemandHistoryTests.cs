using GpuQos.Advisor.Advice;
using GpuQos.Advisor.Evidence;
using GpuQos.Advisor.Exposition;
using GpuQos.Advisor.History;
using GpuQos.Advisor.Output;
using GpuQos.Advisor.Readers;
using GpuQos.Advisor.Scoring;
using GpuQos.Backends.Simulation;
using GpuQos.Collectors.Collection;
using GpuQos.Model.Attribution;
using GpuQos.Model.Devices;
using GpuQos.Model.Snapshots;

namespace GpuQos.Advisor.Tests.History;

/// <summary>
/// The advisor's per-minute summaries against the whole history they replace: the same evidence within
/// <see cref="DemandSketch.Tolerance"/> (counts, maxima, memory peaks and the window exact), the same advice,
/// and a size bounded by the span, not by the run.
/// </summary>
public sealed class DemandHistoryTests
{
    // Not on a minute boundary, so the run's minutes are cut where a real daemon's would be.
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 37, TimeSpan.Zero);

    [Fact]
    public void Merge_MinutesOfRandomShares_QuantilesWithinToleranceCountAndMaxExact()
    {
        var random = new Random(2020);
        for (var round = 0; round < 50; round++)
        {
            // Up to 20 minutes of up to 60 samples each: steady tenants, bursty ones, and a few spikes.
            var minutes = Enumerable.Range(0, 1 + random.Next(20)).Select(_ =>
            {
                var level = random.NextDouble();
                return Enumerable.Range(0, 1 + random.Next(60)).Select(_ => random.Next(4) == 0 ? random.NextDouble() : Math.Clamp(level + ((random.NextDouble() - 0.5) / 20), 0, 1)).ToArray();
            }).ToArray();

            var sketches = minutes.Select(m => DemandSketch.From(m.Select(DemandSketch.BinOf).ToArray(), m.Min(), m.Max())!).ToArray();
            var merged = DemandSketch.Merge(sketches)!;
            var exact = DemandStats.FromSamples(minutes.SelectMany(m => m))!;

            Assert.Equal(exact.Samples, merged.Samples);
            Assert.Equal(exact.Max, merged.Max);
            Assert.InRange(merged.P50 - exact.P50, -DemandSketch.Tolerance, DemandSketch.Tolerance);
            Assert.InRange(merged.P95 - exact.P95, -DemandSketch.Tolerance, DemandSketch.Tolerance);
            Assert.InRange(merged.P99 - exact.P99, -DemandSketch.Tolerance, DemandSketch.Tolerance);
            Assert.True(sketches.Sum(s => s.Entries) <= minutes.Sum(m => m.Length));
        }
    }

    [Fact]
    public void Figures_FiveMinutesOfTheDemoHost_SameEvidenceAndAdviceAsTheWholeHistory()
    {
        // Tenants on the demo's MIG and time-sliced GPUs; on the vGPU and MPS GPUs each partition or process
        // counts as a workload of its own, which the summaries must keep apart the same way.
        var (whole, history) = Run(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10));
        var capture = new MetricCapture(SnapshotEvidenceBuilder.CapturedFamilies);

        var expected = SnapshotEvidenceBuilder.Build("host", whole, capture, TimeSpan.FromMinutes(5));
        var got = SnapshotEvidenceBuilder.Build("host", whole[^1], history.Figures(), capture, TimeSpan.FromMinutes(5));

        Assert.Equal(expected.Window, got.Window);
        Assert.Equal(expected.Gaps, got.Gaps);
        Assert.Equal(expected.Gpus.Select(g => (g.Index, g.Mode, g.Tenants.Count)), got.Gpus.Select(g => (g.Index, g.Mode, g.Tenants.Count)));
        Assert.Contains(got.Gpus, g => g.Tenants.Any(t => t.Name.StartsWith("pid ", StringComparison.Ordinal)));
        foreach (var (e, g) in expected.Gpus.Zip(got.Gpus))
        {
            Close(e.DeviceDemand, g.DeviceDemand);
            foreach (var (et, gt) in e.Tenants.Zip(g.Tenants))
            {
                Assert.Equal((et.Name, et.MemoryPeakBytes), (gt.Name, gt.MemoryPeakBytes));
                Close(et.Demand, gt.Demand);
            }
        }

        var advisor = new SharingAdvisor(new AdvisorOptions());
        var fromWhole = advisor.Advise(expected);
        var fromSummaries = advisor.Advise(got);
        Assert.Equal(
            fromWhole.Gpus.Select(a => (a.Gpu, a.Change, a.Recommended?.Candidate.Label, a.Effect, a.ConfidenceLevel, string.Join("|", a.Alternatives.Select(x => x.Candidate.Label)))),
            fromSummaries.Gpus.Select(a => (a.Gpu, a.Change, a.Recommended?.Candidate.Label, a.Effect, a.ConfidenceLevel, string.Join("|", a.Alternatives.Select(x => x.Candidate.Label)))));

        // The files `gpuqos advise --out` writes: the same but for each tenant's expected SLA risk, which the
        // quantiles' tolerance moves in its fourth decimal.
        var files = AdviceFiles.Render([fromWhole]);
        var summarized = AdviceFiles.Render([fromSummaries]);
        Assert.Equal(files.Select(f => f.Name), summarized.Select(f => f.Name));
        var risks = 0;
        foreach (var (e, g) in files.Zip(summarized))
        {
            var (el, gl) = (e.Text.Split('\n'), g.Text.Split('\n'));
            Assert.Equal(el.Length, gl.Length);
            foreach (var (a, b) in el.Zip(gl))
            {
                if (a.TrimStart().StartsWith(Risk, StringComparison.Ordinal))
                {
                    risks++;
                    Assert.InRange(RiskOf(b) - RiskOf(a), -RiskTolerance, RiskTolerance);
                }
                else
                {
                    Assert.Equal(a, b);
                }
            }
        }

        Assert.True(risks > 5, "the demo's suggestions list each tenant's expected SLA risk");
    }

    private const string Risk = "expectedSlaRisk:";

    // The SLA risk a tenant's demand quantiles imply, read off them within DemandSketch.Tolerance.
    private const double RiskTolerance = 0.002;

    private static double RiskOf(string line) => double.Parse(line.Trim()[Risk.Length..], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Consume_TwentyMinutesWithATwoMinuteSpan_KeepsOnlyTheMinutesTheSpanCovers()
    {
        var (whole, history) = Run(TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(2));

        // The running minute and the two before it at most; each tally is one workload's minute.
        Assert.InRange(history.Minutes, 2, 3);
        var figures = history.Figures()!;
        var window = whole[^1].Timestamp - figures.First;
        Assert.InRange(window, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(3));

        // The figures read only the minutes kept: as many samples as the whole history has in that window.
        var covered = whole.Where(s => s.Timestamp >= figures.First).ToArray();
        var tenant = figures.Gpus[1].Workloads[0];
        Assert.Equal(covered.Count(s => s.Tenants.Any(t => t.Gpu == 1 && t.Tenant == tenant.Name && t.SmShare is not null)), tenant.Demand!.Samples);
        // Its size is a tally per workload and GPU per minute held, not a record per cycle of the run.
        Assert.Equal(history.Minutes * figures.Gpus.Values.Sum(g => g.Workloads.Count + 1), history.Tallies);
    }

    private static void Close(DemandStats? expected, DemandStats? got)
    {
        Assert.Equal(expected is null, got is null);
        if (expected is null)
        {
            return;
        }

        Assert.Equal((expected.Samples, expected.Max), (got!.Samples, got.Max));
        Assert.InRange(got.P50 - expected.P50, -DemandSketch.Tolerance, DemandSketch.Tolerance);
        Assert.InRange(got.P95 - expected.P95, -DemandSketch.Tolerance, DemandSketch.Tolerance);
        Assert.InRange(got.P99 - expected.P99, -DemandSketch.Tolerance, DemandSketch.Tolerance);
    }

    // The demo host for the length of the run, one cycle a second: every snapshot whole, and the summaries.
    [Fact]
    public void LiveAdvice_Current_StandsForAMinuteThenIsRecomputed()
    {
        var (whole, history) = Run(TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10));
        var store = new SnapshotStore();
        foreach (var snapshot in whole)
        {
            store.Publish(snapshot);
        }

        var clock = new SteppedClock(Start);
        var live = new LiveAdvice(store, history, clock, new AdvisorOptions(), () => [], Microsoft.Extensions.Logging.Abstractions.NullLogger<LiveAdvice>.Instance);

        // The summaries it reads close once a minute; recomputing more often repeats the same advice.
        Assert.Equal(TimeSpan.FromMinutes(1), LiveAdvice.Refresh);
        var first = live.Current();
        Assert.NotNull(first);
        for (var s = 1; s < 60; s++)
        {
            clock.Tick();
            Assert.Same(first, live.Current());
        }

        clock.Tick();
        var second = live.Current();
        Assert.NotNull(second);
        Assert.NotSame(first, second);
        Assert.Equal(first.Gpus.Select(g => g.Recommended?.Candidate.Label), second.Gpus.Select(g => g.Recommended?.Candidate.Label));
    }

    private static (List<HostSnapshot> Whole, DemandHistory History) Run(TimeSpan length, TimeSpan span)
    {
        var time = new SteppedClock(Start);
        using var backend = new SimulatedBackend(ScenarioLoader.Demo(), time);
        var pipeline = new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, new UserTenants(), time, new BackendErrorCounter());
        var history = new DemandHistory(span);
        var whole = new List<HostSnapshot>();
        for (var i = 0; i < length.TotalSeconds; i++)
        {
            time.Tick();
            var snapshot = pipeline.Collect();
            whole.Add(snapshot);
            history.Consume(snapshot);
        }

        return (whole, history);
    }

    /// <summary>Each process's Unix user is its tenant on the demo's MIG and time-sliced GPUs (0 and 1); nobody elsewhere.</summary>
    private sealed class UserTenants : IProcessAttributor
    {
        public ProcessAttribution Attribute(GpuIdentity gpu, ProcessReading process, PartitionReading? partition) =>
            gpu.Index is 0 or 1 ? ProcessAttribution.Unknown with { Tenant = process.User ?? "" } : ProcessAttribution.Unknown;

        public string TenantOf(GpuIdentity gpu, PartitionReading partition) => "";
    }

    /// <summary>A clock the test moves a second at a time.</summary>
    private sealed class SteppedClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public void Tick() => _now = _now.AddSeconds(1);

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
