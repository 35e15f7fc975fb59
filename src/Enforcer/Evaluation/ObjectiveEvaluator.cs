using GpuQos.Enforcer.Policies;
using GpuQos.Model.Snapshots;

namespace GpuQos.Enforcer.Evaluation;

/// <summary>
/// Evaluates objectives over windows of the snapshot history. SM shares are averaged over the window,
/// memory and co-tenant counts take the window's maximum, so a short spike of either is not missed.
/// </summary>
/// <remarks>
/// This runs for every (policy, GPU) pair every cycle, thousands of times on a busy host, so it reads the
/// usage series the history keeps across cycles and shares among all a tenant's objectives
/// (<see cref="EvaluationHistory"/>, <see cref="UsageSeries"/>): a mean share is two subtractions of running
/// sums, and co-tenant counts come from the tenant usage the collection cycle summed
/// (<see cref="TenantUsage.CoTenants"/>) instead of regrouping the GPU's processes on every call.
/// </remarks>
public static class ObjectiveEvaluator
{
    /// <summary>Evaluates one objective for <paramref name="tenant"/> on GPU <paramref name="gpu"/>.</summary>
    /// <param name="objective">The objective.</param>
    /// <param name="tenant">The policy's tenant.</param>
    /// <param name="gpu">GPU index.</param>
    /// <param name="history">Snapshots, oldest first; only those within the objective's window of the newest are used.</param>
    /// <param name="hysteresis">The policy's hysteresis (a share for SM objectives, a fraction of the target for memory).</param>
    public static ObjectiveResult Evaluate(ObjectiveOptions objective, string tenant, int gpu, IReadOnlyList<HostSnapshot> history, double hysteresis) =>
        Evaluate(objective, tenant, gpu, new EvaluationHistory(history), hysteresis);

    /// <summary>Evaluates one objective over a cycle's shared history (see <see cref="EvaluationHistory"/>).</summary>
    public static ObjectiveResult Evaluate(ObjectiveOptions objective, string tenant, int gpu, EvaluationHistory cycle, double hysteresis)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        return Evaluate(objective, cycle.SeriesOf(tenant, gpu), cycle, hysteresis);
    }

    /// <summary>
    /// Evaluates one objective over a tenant's usage series, made current for this cycle by
    /// <paramref name="cycle"/>. SM shares are means of the series' running sums; memory and co-tenants walk
    /// the window.
    /// </summary>
    public static ObjectiveResult Evaluate(ObjectiveOptions objective, UsageSeries usage, EvaluationHistory cycle, double hysteresis)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentNullException.ThrowIfNull(cycle);
        var start = cycle.StartOf(objective.Window);
        switch (objective.Type)
        {
            case KnownPolicyTypes.Objectives.MinSmShare:
            {
                var target = objective.Share ?? 0;
                if (usage.MeanShare(start) is not { Read: true } mean)
                {
                    return Unknown(objective, target);
                }

                // A tenant that is not there or sits idle asks for nothing, so its floor cannot be breached.
                var share = mean.Share;
                var demand = mean.Present && share is { } s && s >= objective.DemandThreshold;
                var violated = demand && share < target;
                return new ObjectiveResult(objective.Type, share, target, violated, !demand || share >= target + hysteresis);
            }

            case KnownPolicyTypes.Objectives.MaxSmShare:
            {
                var target = objective.Share ?? 1;
                if (usage.MeanShare(start) is not { Read: true } mean)
                {
                    return Unknown(objective, target);
                }

                var share = mean.Share;
                return new ObjectiveResult(objective.Type, share, target, share > target, share is null || share <= target - hysteresis);
            }

            case KnownPolicyTypes.Objectives.MaxMemory:
            {
                var target = (double)(objective.Bytes ?? long.MaxValue);
                var max = usage.MaxMemory(start);
                return new ObjectiveResult(objective.Type, max, target, max > target, max is null || max <= target * (1 - hysteresis));
            }

            case KnownPolicyTypes.Objectives.MaxCoTenants:
            {
                var target = (double)(objective.Count ?? int.MaxValue);
                var max = usage.MaxCoTenants(start);
                return new ObjectiveResult(objective.Type, max, target, max > target, max is null || max <= target);
            }

            case KnownPolicyTypes.Objectives.Latency or KnownPolicyTypes.Objectives.Throughput:
                return Workload.WorkloadObjectiveEvaluator.Evaluate(objective, cycle.Workload, hysteresis);

            default:
                throw new ArgumentException($"unknown objective type '{objective.Type}'", nameof(objective));
        }
    }

    /// <summary>Nothing known in the whole window: neither a breach nor a reason to lift an action.</summary>
    private static ObjectiveResult Unknown(ObjectiveOptions objective, double target) => new(objective.Type, null, target, false, false);
}
