using GpuQos.Advisor.Evidence;
using GpuQos.Advisor.Scoring;
using GpuQos.Model.Devices;

namespace GpuQos.Advisor.Candidates;

/// <summary>
/// Lists the ways a GPU could be shared by the tenants measured on it, each checked against the model's
/// memory and MIG tables; what cannot work is returned as a rejection with its reason, never as a candidate.
/// </summary>
public static class CandidateGenerator
{
    /// <summary>The candidates and rejections for <paramref name="gpu"/>; <paramref name="memo"/> keeps MIG searches between calls.</summary>
    public static (IReadOnlyList<Candidate> Candidates, IReadOnlyList<RejectedCandidate> Rejected) Generate(GpuEvidence gpu, GpuModel model, AdvisorOptions options, MigGeometryMemo? memo = null)
    {
        var candidates = new List<Candidate>();
        var rejected = new List<RejectedCandidate>();
        var tenants = gpu.Tenants;
        var totalPeak = tenants.Sum(t => t.MemoryPeakBytes);

        foreach (var owner in tenants)
        {
            var label = $"exclusive to {owner.Name}";
            if (owner.MemoryPeakBytes > model.MemoryBytes)
            {
                rejected.Add(new(SharingMode.Exclusive, label, $"{owner.Name}'s memory peak {MigGeometrySearch.Gib(owner.MemoryPeakBytes)} exceeds the GPU's {MigGeometrySearch.Gib(model.MemoryBytes)}"));
                continue;
            }

            candidates.Add(new(SharingMode.Exclusive, label, [new TenantAllocation(owner.Name, 1)], [.. tenants.Where(t => t != owner).Select(t => t.Name)]));
        }

        if (tenants.Count == 0)
        {
            candidates.Add(new(gpu.Mode, "unchanged (no tenants seen)", [], []));
            return (candidates, rejected);
        }

        if (gpu.Mode == SharingMode.Vgpu)
        {
            // Tenants here are VMs: the choice is the vGPU scheduler policy, or passthrough (exclusive) above.
            foreach (var policy in new[] { VgpuSchedulerPolicy.BestEffort, VgpuSchedulerPolicy.EqualShare, VgpuSchedulerPolicy.FixedShare })
            {
                var share = policy == VgpuSchedulerPolicy.BestEffort ? null : (double?)(1.0 / tenants.Count);
                candidates.Add(new(SharingMode.Vgpu, $"vGPU {policy.Label()}", [.. tenants.Select(t => new TenantAllocation(t.Name, share ?? Leftover(tenants, t)))], [], VgpuPolicy: policy));
            }

            return (candidates, rejected);
        }

        if (tenants.Count > 1 && totalPeak > model.MemoryBytes)
        {
            var why = $"the tenants' memory peaks sum to {MigGeometrySearch.Gib(totalPeak)}, more than the GPU's {MigGeometrySearch.Gib(model.MemoryBytes)}";
            rejected.Add(new(SharingMode.TimeSliced, "time-slicing", why));
            rejected.Add(new(SharingMode.Mps, "MPS", why));
        }
        else
        {
            candidates.Add(new(SharingMode.TimeSliced, $"time-slicing ({tenants.Count} replicas)", [.. tenants.Select(t => new TenantAllocation(t.Name, Leftover(tenants, t)))], [], Replicas: tenants.Count));
            var mps = tenants.Select(t =>
            {
                var demand = t.Demand?.P99 ?? 1.0 / tenants.Count;
                var percent = (int)Math.Clamp(Math.Ceiling(demand * (1 + options.ComputeHeadroom) * 100), 10, 100);
                var memoryLimit = (long)Math.Ceiling(t.MemoryPeakBytes * (1 + options.MemoryHeadroom));
                return new TenantAllocation(t.Name, Math.Min(percent / 100.0, Leftover(tenants, t)), MpsThreadPercentage: percent, MemoryLimitBytes: memoryLimit);
            }).ToArray();
            if (mps.Sum(a => a.MemoryLimitBytes!.Value) > model.MemoryBytes)
            {
                rejected.Add(new(SharingMode.Mps, "MPS", $"the memory limits (peaks +{options.MemoryHeadroom:P0}) sum to {MigGeometrySearch.Gib(mps.Sum(a => a.MemoryLimitBytes!.Value))}, more than the GPU's {MigGeometrySearch.Gib(model.MemoryBytes)}"));
            }
            else
            {
                candidates.Add(new(SharingMode.Mps, "MPS " + string.Join("/", mps.Select(a => a.MpsThreadPercentage + "%")), mps, [], Replicas: tenants.Count));
            }
        }

        if (model.SupportsMig)
        {
            var (geometries, rejection) = MigGeometrySearch.Search(model, tenants, options.MemoryHeadroom, memo);
            candidates.AddRange(geometries);
            if (rejection is not null)
            {
                rejected.Add(new(SharingMode.Mig, "MIG", rejection));
            }
        }

        return (candidates, rejected);
    }

    /// <summary>
    /// What a tenant can count on when sharing the whole GPU: what the others leave at their p95, and never less
    /// than an equal share, which time-slicing gives every busy tenant.
    /// </summary>
    internal static double Leftover(IReadOnlyList<TenantEvidence> tenants, TenantEvidence tenant)
    {
        var others = tenants.Where(t => t != tenant).Sum(t => t.Demand?.P95 ?? 0);
        return Math.Max(1 - others, 1.0 / tenants.Count);
    }
}
