using GpuQos.Collectors.Collection;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Evaluation;

/// <summary>
/// Evaluates objectives over windows of the snapshot history. SM shares are averaged over the window,
/// memory and co-tenant counts take the window's maximum, so a short spike of either is not missed.
/// </summary>
public static class ObjectiveEvaluator
{
    /// <summary>Evaluates one objective for <paramref name="tenant"/> on GPU <paramref name="gpu"/>.</summary>
    /// <param name="objective">The objective.</param>
    /// <param name="tenant">The policy's tenant.</param>
    /// <param name="gpu">GPU index.</param>
    /// <param name="history">Snapshots, oldest first; only those within the objective's window of the newest are used.</param>
    /// <param name="hysteresis">The policy's hysteresis (a share for SM objectives, a fraction of the target for memory).</param>
    public static ObjectiveResult Evaluate(ObjectiveOptions objective, string tenant, int gpu, IReadOnlyList<HostSnapshot> history, double hysteresis)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(history);
        var window = InWindow(history, objective.Window);
        switch (objective.Type)
        {
            case KnownPolicyTypes.Objectives.MinSmShare:
            {
                var target = objective.Share ?? 0;
                window = window.FindAll(s => SharesRead(s, gpu));
                if (window.Count == 0)
                {
                    return Unknown(objective, target);
                }

                var share = MeanShare(window, tenant, gpu);
                var present = window.Count > 0 && Usage(window[^1], tenant, gpu) is { Processes: > 0 };

                // A tenant that is not there or sits idle asks for nothing, so its floor cannot be breached.
                var demand = present && share is { } s && s >= objective.DemandThreshold;
                var violated = demand && share < target;
                return new ObjectiveResult(objective.Type, share, target, violated, !demand || share >= target + hysteresis);
            }

            case KnownPolicyTypes.Objectives.MaxSmShare:
            {
                var target = objective.Share ?? 1;
                window = window.FindAll(s => SharesRead(s, gpu));
                if (window.Count == 0)
                {
                    return Unknown(objective, target);
                }

                var share = MeanShare(window, tenant, gpu);
                return new ObjectiveResult(objective.Type, share, target, share > target, share is null || share <= target - hysteresis);
            }

            case KnownPolicyTypes.Objectives.MaxMemory:
            {
                var target = (double)(objective.Bytes ?? long.MaxValue);
                var max = window.Count == 0 ? (double?)null : window.Max(s => (double)(Usage(s, tenant, gpu)?.MemoryUsedBytes ?? 0));
                return new ObjectiveResult(objective.Type, max, target, max > target, max is null || max <= target * (1 - hysteresis));
            }

            case KnownPolicyTypes.Objectives.MaxCoTenants:
            {
                var target = (double)(objective.Count ?? int.MaxValue);
                var max = window.Count == 0 ? (double?)null : window.Max(s => (double)CoTenants(s, tenant, gpu));
                return new ObjectiveResult(objective.Type, max, target, max > target, max is null || max <= target);
            }

            default:
                throw new ArgumentException($"unknown objective type '{objective.Type}'", nameof(objective));
        }
    }

    /// <summary>The tenant's usage of a GPU in one snapshot, or null when it has none there.</summary>
    public static TenantUsage? Usage(HostSnapshot snapshot, string tenant, int gpu)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.UsageOf(tenant, gpu);
    }

    /// <summary>How many other tenants have processes on a partition where the tenant has processes.</summary>
    public static int CoTenants(HostSnapshot snapshot, string tenant, int gpu)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (gpu < 0 || gpu >= snapshot.Gpus.Count)
        {
            return 0;
        }

        var processes = snapshot.Gpus[gpu].Processes;
        var mine = processes.Where(p => p.Attribution.Tenant == tenant).Select(p => p.Reading.PartitionId).ToHashSet(StringComparer.Ordinal);
        return processes
            .Where(p => p.Attribution.Tenant.Length > 0 && p.Attribution.Tenant != tenant && mine.Contains(p.Reading.PartitionId))
            .Select(p => p.Attribution.Tenant)
            .Distinct(StringComparer.Ordinal)
            .Count();
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

    private static double? MeanShare(IReadOnlyList<HostSnapshot> window, string tenant, int gpu)
    {
        double sum = 0;
        var n = 0;
        foreach (var s in window)
        {
            var usage = Usage(s, tenant, gpu);
            if (usage is { SmShare: null })
            {
                // Unknown (MPS): the objective cannot be judged, which is not the same as zero.
                return null;
            }

            sum += usage?.SmShare ?? 0;
            n++;
        }

        return n == 0 ? null : sum / n;
    }

    private static List<HostSnapshot> InWindow(IReadOnlyList<HostSnapshot> history, TimeSpan window)
    {
        var result = new List<HostSnapshot>();
        if (history.Count == 0)
        {
            return result;
        }

        // A window of w holds the samples taken in (newest - w, newest]; at a 1 s interval a 3 s window is 3 samples.
        var from = history[^1].Timestamp - window;
        foreach (var s in history)
        {
            if (s.Timestamp > from)
            {
                result.Add(s);
            }
        }

        return result;
    }
}
