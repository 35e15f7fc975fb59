using System.Globalization;
using GpuQos.Advisor.Evidence;
using GpuQos.Model.Devices;

namespace GpuQos.Advisor.Advice;

/// <summary>
/// Adds the advice of many hosts up: GPUs that could be freed (their tenants fit on another shared GPU of the
/// same host without pushing it past <see cref="TargetLoad"/> at p95, nor its memory past 90%), and GPUs where
/// SLA tenants stay weakly isolated.
/// </summary>
public static class FleetSummarizer
{
    /// <summary>The p95 SM load a consolidated GPU may reach.</summary>
    public const double TargetLoad = 0.7;

    /// <summary>Below this isolation strength, SLA tenants sharing a GPU count as insufficiently isolated.</summary>
    public const double SufficientIsolation = 0.5;

    /// <summary>The advice of every host with the fleet summary, for a caller that holds them all (see <see cref="FleetTally"/> for one that does not).</summary>
    public static FleetAdvice Summarize(IReadOnlyList<(AdvisorEvidence Evidence, HostAdvice Advice)> hosts)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        var tally = new FleetTally();
        foreach (var (evidence, advice) in hosts)
        {
            tally.Add(evidence, advice);
        }

        return new FleetAdvice([.. hosts.Select(h => h.Advice)], tally.Summary());
    }

    /// <summary>The lines of <see cref="FleetSummary.InsufficientIsolation"/> for one host.</summary>
    internal static IEnumerable<string> WeaklyIsolated(AdvisorEvidence evidence, HostAdvice advice)
    {
        foreach (var gpu in advice.Gpus)
        {
            if (gpu.Recommended is not { } rec)
            {
                continue;
            }

            var audit = evidence.Gpus.FirstOrDefault(g => g.Index == gpu.Gpu)?.Audit;
            if (rec.IsolationNeed >= 1 && rec.Isolation < SufficientIsolation)
            {
                yield return $"{advice.Host} GPU {gpu.Gpu}: SLA tenants share it under {rec.Candidate.Label} (isolation {rec.Isolation:0.0})";
            }
            else if (audit?.ProbesPassed == false && rec.IsCurrent)
            {
                yield return $"{advice.Host} GPU {gpu.Gpu}: the isolation audit failed and the configuration stays";
            }
        }
    }

    /// <summary>The lines of <see cref="FleetSummary.Freeable"/> for one host.</summary>
    internal static IEnumerable<string> Freeable(AdvisorEvidence host)
    {
        var load = host.Gpus.ToDictionary(g => g.Index, g => g.Tenants.Sum(t => t.Demand?.P95 ?? 0));
        var memory = host.Gpus.ToDictionary(g => g.Index, g => g.Tenants.Sum(t => t.MemoryPeakBytes));
        var freed = new HashSet<int>();
        foreach (var gpu in host.Gpus.OrderBy(g => load[g.Index]))
        {
            if (gpu.Tenants.Count == 0)
            {
                freed.Add(gpu.Index);
                yield return $"{host.Host} GPU {gpu.Index} ({gpu.ModelName}): no tenant used it in the window";
                continue;
            }

            if (gpu.Mode == SharingMode.Vgpu || gpu.Tenants.Any(t => t.Demand is null))
            {
                continue;
            }

            var target = host.Gpus.Where(o => o.Index != gpu.Index && !freed.Contains(o.Index)
                    && o.Mode is SharingMode.TimeSliced or SharingMode.Mps && o.Model is { } m
                    && load[o.Index] + load[gpu.Index] <= TargetLoad
                    && memory[o.Index] + memory[gpu.Index] <= 0.9 * m.MemoryBytes)
                .OrderByDescending(o => load[o.Index])
                .FirstOrDefault();
            if (target is null)
            {
                continue;
            }

            load[target.Index] += load[gpu.Index];
            memory[target.Index] += memory[gpu.Index];
            freed.Add(gpu.Index);
            yield return string.Create(CultureInfo.InvariantCulture,
                $"{host.Host} GPU {gpu.Index} ({gpu.ModelName}): {string.Join(", ", gpu.Tenants.Select(t => t.Name))} (p95 {load[gpu.Index]:0.00} of a GPU) fit on GPU {target.Index} ({target.Mode.Label()}), which would reach p95 {load[target.Index]:0.00}");
        }
    }
}
