using GpuQos.Advisor.Evidence;
using GpuQos.Model.Devices;

namespace GpuQos.Advisor.Advice;

/// <summary>Names what the evidence for one GPU lacks, and how much confidence each lack costs.</summary>
internal static class EvidenceGaps
{
    /// <summary>Evidence shorter than this misses daily cycles.</summary>
    public static readonly TimeSpan FullDay = TimeSpan.FromDays(1);

    /// <summary>Fewer samples than this make p99 a guess.</summary>
    public const int MinimumSamples = 100;

    public static double Assess(GpuEvidence gpu, GpuModel model, AdvisorEvidence host, List<string> gaps)
    {
        var cost = 0.0;
        if (gpu.Audit is null)
        {
            cost += 0.15;
            gaps.Add($"no isolation audit of GPU {gpu.Index}: interference uses literature priors");
        }

        var noSla = gpu.Tenants.Where(t => t.Sla is null).Select(t => t.Name).ToArray();
        if (noSla.Length > 0)
        {
            cost += 0.15;
            gaps.Add($"no SLA metrics for {string.Join(", ", noSla)} on GPU {gpu.Index}: their risk is predicted from demand alone");
        }

        if (host.Window < FullDay)
        {
            cost += 0.15;
            gaps.Add($"the evidence covers {Format(host.Window)}: daily and weekly cycles are not seen");
        }

        var few = gpu.Tenants.Where(t => t.Demand is { } d && d.Samples < MinimumSamples).Select(t => t.Name).ToArray();
        if (few.Length > 0)
        {
            cost += 0.1;
            gaps.Add($"fewer than {MinimumSamples} demand samples for {string.Join(", ", few)} on GPU {gpu.Index}: p99 is rough");
        }

        if (gpu.Mode == SharingMode.Mig)
        {
            // Demand measured inside an instance cannot exceed the instance: when it touches the ceiling the true demand is unknown.
            var censored = gpu.Tenants.Where(t => t.Demand is { } d && gpu.CurrentGeometry.Where(p => p.Tenant == t.Name)
                .Select(p => model.FindProfile(p.Profile)).OfType<MigProfile>().Sum(p => (double)p.SmCount / model.SmCount) is var cap && cap > 0 && d.P99 >= 0.95 * cap)
                .Select(t => t.Name).ToArray();
            if (censored.Length > 0)
            {
                cost += 0.1;
                gaps.Add($"demand of {string.Join(", ", censored)} reached the size of its MIG instance on GPU {gpu.Index}: true demand may be higher");
            }
        }

        return cost;
    }

    internal static string Format(TimeSpan span) => span.TotalDays >= 1 ? $"{span.TotalDays:0.#} d" : span.TotalHours >= 1 ? $"{span.TotalHours:0.#} h" : $"{span.TotalMinutes:0.#} min";
}
