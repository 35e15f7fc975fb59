using GpuQos.Advisor.Candidates;
using GpuQos.Advisor.Evidence;
using GpuQos.Model.Devices;

namespace GpuQos.Advisor.Scoring;

/// <summary>
/// Scores a candidate: expected SLA risk (demand against capacity, inflated by the interference measured or
/// expected in the mode), isolation shortfall, stranded capacity, reconfiguration cost and displaced demand.
/// </summary>
public static class CandidateScorer
{
    /// <summary>How much tenants without SLAs need isolation from each other (tenants with SLAs: 1, alone: 0).</summary>
    public const double NeedWithoutSla = 0.25;

    public static Assessment Assess(GpuEvidence gpu, GpuModel model, Candidate candidate, bool isCurrent, AdvisorOptions options)
    {
        var byName = gpu.Tenants.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var risks = new List<TenantRisk>();
        foreach (var a in candidate.Allocations)
        {
            var t = byName[a.Tenant];
            var coRunners = candidate.Mode == SharingMode.Exclusive ? 0 : candidate.Allocations.Count(o =>
                o.Tenant != a.Tenant && (byName[o.Tenant].Demand is not { } d || d.P50 >= options.ActiveDemand));
            var (slowdown, basis) = InterferencePriors.For(candidate.Mode, candidate.VgpuPolicy, coRunners);
            if (candidate.Mode == gpu.Mode && coRunners > 0 && gpu.Audit?.SlowdownRatio is { } measured)
            {
                (slowdown, basis) = (measured, "measured by the isolation audit in this mode");
            }

            // The time-slicing figures are whole job slowdowns beside co-runners, time share included: they bound the
            // capacity rather than shrink it a second time. MPS and the rest lose throughput on top of their share.
            var effective = candidate.Mode == SharingMode.TimeSliced || candidate.Mode == SharingMode.Vgpu && candidate.VgpuPolicy is VgpuSchedulerPolicy.BestEffort or null
                ? Math.Min(a.Capacity, 1 / (1 + slowdown))
                : a.Capacity / (1 + slowdown);
            var predicted = t.Demand?.Exceedance(effective);
            var measuredRisk = isCurrent && t.HasSla ? t.Sla!.BreachFraction : (double?)null;
            risks.Add(new TenantRisk(t.Name, t.HasSla, a.Capacity, slowdown, basis, predicted, measuredRisk));
        }

        var slaRisk = Math.Max(
            risks.Where(r => r.HasSla).Select(r => r.Risk ?? 0).DefaultIfEmpty(0).Max(),
            options.BestEffortRiskFactor * risks.Where(r => !r.HasSla).Select(r => r.Risk ?? 0).DefaultIfEmpty(0).Max());

        // Several tenants taking turns on an exclusive-process GPU are as isolated as time-sliced ones.
        var mode = candidate.Mode == SharingMode.Exclusive && candidate.Allocations.Count > 1 ? SharingMode.TimeSliced : candidate.Mode;
        var (isolation, finding) = candidate.Mode == gpu.Mode
            ? IsolationGuarantees.Measured(mode, gpu.Audit)
            : (IsolationGuarantees.Guaranteed(mode), null);
        var need = candidate.Allocations.Count <= 1 ? 0 : candidate.Allocations.Any(a => byName[a.Tenant].HasSla) ? 1 : NeedWithoutSla;
        var stranded = Stranded(model, candidate, byName);
        var (reconfiguration, steps) = isCurrent ? (0, "none") : ReconfigurationCost.Of(gpu, candidate);
        var displacement = candidate.Displaced.Sum(n => Math.Max(byName[n].Demand?.P95 ?? 0, options.ActiveDemand));
        var score = (options.SlaRiskWeight * slaRisk)
            + (options.IsolationWeight * need * (1 - isolation))
            + (options.StrandedWeight * stranded)
            + (options.ReconfigurationWeight * reconfiguration)
            + (options.DisplacementWeight * displacement);
        return new Assessment(candidate, isCurrent, slaRisk, risks, isolation, need, finding, stranded, reconfiguration, steps, displacement, score);
    }

    /// <summary>
    /// Capacity reserved for a tenant beyond what it needs (p95 for a tenant with an SLA, whose objective needs
    /// that headroom; the median for the others), plus what the mode itself costs (MIG's 7g uses fewer SMs than
    /// the GPU has). Work-conserving modes (time-slicing, MPS, vGPU best-effort) strand nothing.
    /// </summary>
    internal static double Stranded(GpuModel model, Candidate candidate, IReadOnlyDictionary<string, TenantEvidence> tenants)
    {
        double Reserved() => candidate.Allocations.Sum(a => tenants[a.Tenant] is var t && t.Demand is { } d
            ? Math.Max(0, a.Capacity - (t.HasSla ? d.P95 : d.P50))
            : 0);
        return candidate.Mode switch
        {
            SharingMode.Exclusive when candidate.Allocations.Count > 1 => 0,
            SharingMode.Exclusive => Reserved(),
            SharingMode.Mig => Math.Min(1, Reserved() + 1 - ((double)model.MigProfiles.Max(p => p.SmCount) / model.SmCount)),
            SharingMode.Vgpu when candidate.VgpuPolicy is VgpuSchedulerPolicy.EqualShare or VgpuSchedulerPolicy.FixedShare => Reserved(),
            _ => 0,
        };
    }
}
