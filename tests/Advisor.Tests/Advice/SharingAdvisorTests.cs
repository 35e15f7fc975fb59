using GpuQos.Advisor.Advice;
using GpuQos.Advisor.Evidence;
using GpuQos.Advisor.Scoring;
using GpuQos.Model.Devices;
using static GpuQos.Advisor.Tests.TestSupport.Synthetic;

namespace GpuQos.Advisor.Tests.Advice;

public sealed class SharingAdvisorTests
{
    public static TheoryData<string, GpuEvidence, SharingMode, string[]> Histories => new()
    {
        {
            "two latency-sensitive tenants within 3/7 of a GPU, breaching under time-slicing",
            Gpu(GpuModels.A100Sxm80, SharingMode.TimeSliced,
                Tenant("search", Demand(0.2, 0.3, 0.33), 14, breachesPerDay: 14, breachFraction: 0.03),
                Tenant("ads", Demand(0.18, 0.28, 0.32), 10, breachesPerDay: 9, breachFraction: 0.02)),
            SharingMode.Mig, ["3g.40gb", "3g.40gb"]
        },
        {
            "the same on an H100",
            Gpu(GpuModels.H100Sxm80, SharingMode.TimeSliced,
                Tenant("search", Demand(0.2, 0.3, 0.36), 30, breachesPerDay: 20, breachFraction: 0.05),
                Tenant("ads", Demand(0.2, 0.32, 0.38), 20, breachesPerDay: 5, breachFraction: 0.01)),
            SharingMode.Mig, ["3g.40gb", "3g.40gb"]
        },
        {
            "several bursty low-demand tenants without SLAs, clipped in 1g MIG instances",
            Gpu(GpuModels.A100Sxm40, SharingMode.Mig,
                Tenant("nb-alice", Demand(0.02, 0.15, 0.25), 3),
                Tenant("nb-bob", Demand(0.01, 0.12, 0.2), 4),
                Tenant("nb-carol", Demand(0.03, 0.18, 0.3), 2),
                Tenant("nb-dave", Demand(0.02, 0.1, 0.2), 3)) with
            {
                CurrentGeometry = [new("1g.5gb", 0, "nb-alice"), new("1g.5gb", 1, "nb-bob"), new("1g.5gb", 2, "nb-carol"), new("1g.5gb", 3, "nb-dave")],
            },
            SharingMode.TimeSliced, []
        },
        {
            "bursty notebooks already time-sliced stay time-sliced",
            Gpu(GpuModels.A10, SharingMode.TimeSliced,
                Tenant("nb-alice", Demand(0.02, 0.15, 0.25), 3),
                Tenant("nb-bob", Demand(0.01, 0.12, 0.2), 4),
                Tenant("nb-carol", Demand(0.03, 0.18, 0.3), 2)),
            SharingMode.TimeSliced, []
        },
        {
            "one tenant above 90% demand",
            Gpu(GpuModels.A100Sxm80, SharingMode.TimeSliced,
                Tenant("training", Demand(0.93, 0.97, 0.99, 1.0), 60, breachesPerDay: 30, breachFraction: 0.2),
                Tenant("nb-bob", Demand(0.02, 0.08, 0.1), 2)),
            SharingMode.Exclusive, []
        },
    };

    [Theory]
    [MemberData(nameof(Histories))]
    public void Advise_SyntheticHistory_RecommendsExpectedConfiguration(string story, GpuEvidence gpu, SharingMode mode, string[] profiles)
    {
        var advice = new SharingAdvisor(new AdvisorOptions()).Advise(Host(gpu)).Gpus.Single();

        Assert.True(advice.Recommended!.Candidate.Mode == mode, $"{story}: expected {mode}, got {advice.Recommended.Candidate.Label}; alternatives: {string.Join(" | ", advice.Alternatives.Select(a => $"{a.Candidate.Label}={a.Score:0.00}"))}");
        Assert.Equal(profiles.Order(), advice.Recommended.Candidate.MigProfiles.Order());
        Assert.Equal(mode != gpu.Mode, advice.Change);
    }

    [Fact]
    public void Advise_OneTenantAbove90Percent_ExclusiveToThatTenantAndMovesTheOther()
    {
        var gpu = Histories.Select(r => (GpuEvidence)r[1]).First(g => g.Tenants.Any(t => t.Name == "training"));

        var rec = new SharingAdvisor(new AdvisorOptions()).Advise(Host(gpu)).Gpus.Single().Recommended!;

        Assert.Equal("training", Assert.Single(rec.Candidate.Allocations).Tenant);
        Assert.Equal(["nb-bob"], rec.Candidate.Displaced);
    }

    [Fact]
    public void Advise_MemoryPeakAboveEveryMigSliceThatFits_ExplainsInsteadOfImpossibleGeometry()
    {
        var gpu = Gpu(GpuModels.A100Sxm40, SharingMode.TimeSliced,
            Tenant("llm", Demand(0.2, 0.3, 0.33), 30, breachesPerDay: 10, breachFraction: 0.02),
            Tenant("search", Demand(0.2, 0.3, 0.33), 8, breachesPerDay: 10, breachFraction: 0.02));

        var advice = new SharingAdvisor(new AdvisorOptions()).Advise(Host(gpu)).Gpus.Single();

        Assert.NotEqual(SharingMode.Mig, advice.Recommended!.Candidate.Mode);
        Assert.DoesNotContain(advice.Alternatives, a => a.Candidate.Mode == SharingMode.Mig);
        var why = Assert.Single(advice.Rejected, r => r.Mode == SharingMode.Mig).Reason;
        Assert.Contains("llm 7g.40gb (30.0 GiB peak)", why, StringComparison.Ordinal);
        Assert.Contains("memory slices", why, StringComparison.Ordinal);
    }

    [Fact]
    public void Advise_MemoryPeakAboveLargestInstance_NamesTenantAndLargestProfile()
    {
        var gpu = Gpu(GpuModels.A100Sxm40, SharingMode.TimeSliced,
            Tenant("giant", Demand(0.2, 0.3, 0.33), 39),
            Tenant("small", Demand(0.1, 0.2, 0.25), 1));

        var advice = new SharingAdvisor(new AdvisorOptions()).Advise(Host(gpu)).Gpus.Single();

        var why = Assert.Single(advice.Rejected, r => r.Mode == SharingMode.Mig).Reason;
        Assert.Contains("giant's memory peak 39.0 GiB", why, StringComparison.Ordinal);
        Assert.Contains("7g.40gb", why, StringComparison.Ordinal);
    }

    [Fact]
    public void Advise_NoAuditNoSlaShortWindow_LowersConfidenceAndSaysWhy()
    {
        var gpu = Gpu(GpuModels.A10, SharingMode.TimeSliced, new TenantEvidence("a", Demand(0.1, 0.2, 0.3), GiB, null)) with { Audit = null };
        var host = Host(gpu) with { Window = TimeSpan.FromMinutes(10) };

        var advice = new SharingAdvisor(new AdvisorOptions()).Advise(host).Gpus.Single();

        Assert.Equal(0.55, advice.Confidence, 2);
        Assert.Contains(advice.Gaps, g => g.StartsWith("no isolation audit", StringComparison.Ordinal));
        Assert.Contains(advice.Gaps, g => g.StartsWith("no SLA metrics for a", StringComparison.Ordinal));
        Assert.Contains(advice.Gaps, g => g.Contains("10 min", StringComparison.Ordinal));
    }

    [Fact]
    public void Advise_BreachingTimeSlicedToMig_EffectShowsMeasuredBreachesAndPredictedDrop()
    {
        var gpu = (GpuEvidence)Histories.First()[1];

        var advice = new SharingAdvisor(new AdvisorOptions()).Advise(Host(gpu)).Gpus.Single();

        Assert.StartsWith("SLA breaches/day 23 → ~0; stranded capacity 0% → ", advice.Effect, StringComparison.Ordinal);
    }

    [Fact]
    public void Advise_UnknownModel_ReportsErrorAndNoRecommendation()
    {
        var gpu = Gpu(GpuModels.A10, SharingMode.TimeSliced) with { ModelName = "NVIDIA Tesla K80" };

        var advice = new SharingAdvisor(new AdvisorOptions()).Advise(Host(gpu)).Gpus.Single();

        Assert.Null(advice.Recommended);
        Assert.Contains("Tesla K80", advice.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Advise_CurrentlyMps_CurrentIsPlainMpsNotTheAdvisedLimits()
    {
        var gpu = Gpu(GpuModels.A100Sxm40, SharingMode.Mps, Tenant("a", Demand(0.2, 0.3, 0.35), 6), Tenant("b", Demand(0.1, 0.3, 0.4), 6));

        var advice = new SharingAdvisor(new AdvisorOptions()).Advise(Host(gpu)).Gpus.Single();

        Assert.Equal("MPS", advice.Current!.Candidate.Label);
        Assert.All(advice.Current.Candidate.Allocations, a => Assert.Null(a.MpsThreadPercentage));
        var limited = advice.Alternatives.Append(advice.Recommended!).Single(a => a.Candidate.Mode == SharingMode.Mps && !a.IsCurrent);
        Assert.Equal(0.1, limited.Reconfiguration);
    }

    [Fact]
    public void Advise_AuditMeasuredSlowdown_ReplacesThePriorForTheAuditedModeOnly()
    {
        var gpu = Gpu(GpuModels.A100Sxm80, SharingMode.TimeSliced, Tenant("a", Demand(0.2, 0.3, 0.33), 6), Tenant("b", Demand(0.2, 0.3, 0.33), 6))
            with { Audit = new AuditEvidence(0.05, true, null) };

        var advice = new SharingAdvisor(new AdvisorOptions()).Advise(Host(gpu)).Gpus.Single();

        Assert.All(advice.Current!.Tenants, t => Assert.Equal((0.05, "measured by the isolation audit in this mode"), (t.Slowdown, t.SlowdownBasis)));
        var mps = advice.Alternatives.Append(advice.Recommended!).First(a => a.Candidate.Mode == SharingMode.Mps);
        Assert.All(mps.Tenants, t => Assert.Equal(0.30, t.Slowdown));
    }

    [Fact]
    public void Advise_AuditFailedOnCurrentMig_HalvesItsIsolationAndSaysWhy()
    {
        var gpu = Gpu(GpuModels.A100Sxm80, SharingMode.Mig, Tenant("a", Demand(0.2, 0.3, 0.33), 6), Tenant("b", Demand(0.2, 0.3, 0.33), 6))
            with { Audit = new AuditEvidence(null, false, 31_000), CurrentGeometry = [new("3g.40gb", 0, "a"), new("3g.40gb", 4, "b")] };

        var current = new SharingAdvisor(new AdvisorOptions()).Advise(Host(gpu)).Gpus.Single().Current!;

        Assert.Equal(0.3, current.Isolation, 6);
        Assert.Equal("the audit found an isolation violation; covert channel at 31000 bit/s (> 100 bit/s)", current.IsolationFinding);
    }
}
