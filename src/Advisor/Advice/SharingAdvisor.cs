using System.Globalization;
using GpuQos.Advisor.Candidates;
using GpuQos.Advisor.Evidence;
using GpuQos.Advisor.Scoring;
using GpuQos.Model.Devices;

namespace GpuQos.Advisor.Advice;

/// <summary>
/// Turns evidence into advice: for each GPU it scores the current configuration and every feasible candidate,
/// and recommends the best one when it beats the current one by more than <see cref="AdvisorOptions.MinimumGain"/>.
/// It never applies anything. An advisor that advises again and again over similar evidence (the daemon's) passes a
/// <see cref="MigGeometryMemo"/>, so that the MIG search is not repeated for the same tenants.
/// </summary>
public sealed class SharingAdvisor(AdvisorOptions options, MigGeometryMemo? memo = null)
{
    /// <summary>How many alternatives each GPU's advice lists.</summary>
    public const int AlternativesShown = 4;

    public HostAdvice Advise(AdvisorEvidence evidence) =>
        new(evidence.Host, evidence.Source, evidence.Window, [.. evidence.Gpus.Select(g => Advise(g, evidence))], evidence.Gaps);

    public GpuAdvice Advise(GpuEvidence raw, AdvisorEvidence host)
    {
        if (raw.Model is not { } model)
        {
            return new GpuAdvice(raw.Index, raw.Uuid, raw.ModelName, raw.Mode, null, null, false, [], [], 0, [],
                "", $"unknown GPU model '{raw.ModelName}': GpuQos has no memory or MIG table for it, so it gives no advice");
        }

        var gaps = new List<string>();
        var confidence = 1.0;
        var gpu = DemandEstimate.FillUnknown(raw, gaps, ref confidence);
        confidence -= EvidenceGaps.Assess(gpu, model, host, gaps);

        var (candidates, rejected) = CandidateGenerator.Generate(gpu, model, options, memo);
        var assessed = candidates.Select(c => CandidateScorer.Assess(gpu, model, c, CurrentConfiguration.IsSame(gpu, c), options)).ToList();
        var current = assessed.FirstOrDefault(a => a.IsCurrent);
        if (current is null)
        {
            current = CandidateScorer.Assess(gpu, model, CurrentConfiguration.Describe(gpu, model), true, options);
            assessed.Add(current);
        }

        // On a tie the simpler mode wins: exclusive, time-slicing, MPS, MIG, vGPU.
        var ranked = assessed.OrderBy(a => Math.Round(a.Score, 6)).ThenBy(a => Simplicity(a.Candidate.Mode)).ThenBy(a => a.Candidate.Label, StringComparer.Ordinal).ToArray();
        var best = ranked[0];
        var change = !best.IsCurrent && best.Score < current.Score - options.MinimumGain;
        var recommended = change ? best : current;
        return new GpuAdvice(gpu.Index, gpu.Uuid, model.Key, gpu.Mode, current, recommended, change,
            [.. ranked.Where(a => a != recommended).Take(AlternativesShown)], rejected, Math.Max(0, Math.Round(confidence, 2)), gaps, Effect(gpu, current, recommended), Evidence: gpu);
    }

    /// <summary>"SLA breaches/day 14 → ~0; stranded capacity 0% → 27%; isolation 0.1 → 0.9".</summary>
    internal static string Effect(GpuEvidence gpu, Assessment current, Assessment recommended)
    {
        var parts = new List<string>();
        var slaTenants = gpu.Tenants.Where(t => t.HasSla).ToArray();
        if (slaTenants.Length > 0)
        {
            // Breaches scale with the risk: the measured count now, and the same count times the risk ratio after.
            var perDay = slaTenants.Sum(t => t.Sla!.BreachesPerDay);
            var predicted = current.SlaRisk > 0 ? perDay * recommended.SlaRisk / current.SlaRisk : 0;
            parts.Add(recommended == current
                ? $"SLA breaches/day {Count(perDay)} (unchanged)"
                : $"SLA breaches/day {Count(perDay)} → ~{Count(predicted)}");
        }
        else
        {
            parts.Add($"SLA risk {Percent(current.SlaRisk)} → {Percent(recommended.SlaRisk)} (predicted; no SLA history)");
        }

        parts.Add($"stranded capacity {Percent(current.Stranded)} → {Percent(recommended.Stranded)}");
        parts.Add(string.Create(CultureInfo.InvariantCulture, $"isolation {current.Isolation:0.0} → {recommended.Isolation:0.0}"));
        if (recommended.Displacement > 0)
        {
            parts.Add($"{string.Join(", ", recommended.Candidate.Displaced)} must move to another GPU ({Percent(recommended.Displacement)} of a GPU)");
        }

        return string.Join("; ", parts);
    }

    private static int Simplicity(SharingMode mode) => mode switch
    {
        SharingMode.Exclusive => 0,
        SharingMode.TimeSliced => 1,
        SharingMode.Mps => 2,
        SharingMode.Mig => 3,
        _ => 4,
    };

    private static string Count(double v) => v < 0.5 ? "0" : v.ToString("0", CultureInfo.InvariantCulture);

    private static string Percent(double v) => (v * 100).ToString("0", CultureInfo.InvariantCulture) + "%";
}
