using GpuQos.Collectors.Collection;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Evaluation;

/// <summary>
/// Evaluates objectives over windows of the snapshot history. SM shares are averaged over the window,
/// memory and co-tenant counts take the window's maximum, so a short spike of either is not missed.
/// </summary>
/// <remarks>
/// This runs for every (policy, GPU) pair every cycle, thousands of times on a busy host, so it walks the
/// window in place in the usage series the cycle shares among all a tenant's objectives
/// (<see cref="EvaluationHistory"/>), and reads co-tenant counts from the tenant usage the collection cycle
/// summed (<see cref="TenantUsage.CoTenants"/>) instead of regrouping the GPU's processes on every call.
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
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(cycle);
        var history = cycle.Snapshots;
        var start = FirstInWindow(history, objective.Window);
        var usage = cycle.UsageOf(tenant, gpu);
        switch (objective.Type)
        {
            case KnownPolicyTypes.Objectives.MinSmShare:
            {
                var target = objective.Share ?? 0;
                if (MeanShare(history, usage, start, gpu) is not { Read: true } mean)
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
                if (MeanShare(history, usage, start, gpu) is not { Read: true } mean)
                {
                    return Unknown(objective, target);
                }

                var share = mean.Share;
                return new ObjectiveResult(objective.Type, share, target, share > target, share is null || share <= target - hysteresis);
            }

            case KnownPolicyTypes.Objectives.MaxMemory:
            {
                var target = (double)(objective.Bytes ?? long.MaxValue);
                double? max = null;
                for (var i = start; i < history.Count; i++)
                {
                    max = Math.Max(max ?? 0, usage[i]?.MemoryUsedBytes ?? 0);
                }

                return new ObjectiveResult(objective.Type, max, target, max > target, max is null || max <= target * (1 - hysteresis));
            }

            case KnownPolicyTypes.Objectives.MaxCoTenants:
            {
                var target = (double)(objective.Count ?? int.MaxValue);
                double? max = null;
                for (var i = start; i < history.Count; i++)
                {
                    max = Math.Max(max ?? 0, usage[i]?.CoTenants ?? 0);
                }

                return new ObjectiveResult(objective.Type, max, target, max > target, max is null || max <= target);
            }

            default:
                throw new ArgumentException($"unknown objective type '{objective.Type}'", nameof(objective));
        }
    }

    /// <summary>
    /// The tenant's mean SM share over the cycles from <paramref name="start"/> that could say anything about
    /// shares (see <see cref="SharesRead"/>); whether any could (<c>Read</c>); whether the tenant was there in
    /// the newest of them (<c>Present</c>). The share is null when it cannot be known (MPS), which is not zero.
    /// </summary>
    private static (bool Read, double? Share, bool Present) MeanShare(IReadOnlyList<HostSnapshot> history, TenantUsage?[] usages, int start, int gpu)
    {
        double sum = 0;
        var n = 0;
        var unknown = false;
        TenantUsage? newest = null;
        for (var i = start; i < history.Count; i++)
        {
            var snapshot = history[i];
            if (!SharesRead(snapshot, gpu))
            {
                continue;
            }

            var usage = usages[i];
            newest = usage;
            unknown |= usage is { SmShare: null };
            sum += usage?.SmShare ?? 0;
            n++;
        }

        return n == 0 ? (false, null, false) : (true, unknown ? null : sum / n, newest is { Processes: > 0 });
    }

    /// <summary>
    /// Whether a cycle can say anything about SM shares on the GPU. One whose device reading or process list
    /// failed cannot: its tenants would look absent or idle, which is not the same as being so, and counting
    /// such cycles would reset a policy's <c>for</c> timer (or lift an action) on every transient NVML error.
    /// </summary>
    private static bool SharesRead(HostSnapshot snapshot, int gpu) =>
        gpu < 0 || gpu >= snapshot.Gpus.Count || (snapshot.Gpus[gpu].ProcessesRead && snapshot.Gpus[gpu].Device is not null);

    /// <summary>Nothing known in the whole window: neither a breach nor a reason to lift an action.</summary>
    private static ObjectiveResult Unknown(ObjectiveOptions objective, double target) => new(objective.Type, null, target, false, false);

    /// <summary>
    /// The index of the oldest snapshot in the window. A window of w holds the samples taken in
    /// (newest - w, newest]; at a 1 s interval a 3 s window is 3 samples. History is oldest first, so the
    /// window is a suffix and a search from the end stops at its first sample outside.
    /// </summary>
    private static int FirstInWindow(IReadOnlyList<HostSnapshot> history, TimeSpan window)
    {
        if (history.Count == 0)
        {
            return 0;
        }

        var from = history[^1].Timestamp - window;
        var i = history.Count;
        while (i > 0 && history[i - 1].Timestamp > from)
        {
            i--;
        }

        return i;
    }
}
