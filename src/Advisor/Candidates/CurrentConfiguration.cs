using GpuQos.Advisor.Evidence;
using GpuQos.Model.Devices;

namespace GpuQos.Advisor.Candidates;

/// <summary>Describes what a GPU runs now as a candidate, so it is scored by the same rules as the alternatives.</summary>
public static class CurrentConfiguration
{
    public static Candidate Describe(GpuEvidence gpu, GpuModel model)
    {
        var tenants = gpu.Tenants;
        switch (gpu.Mode)
        {
            case SharingMode.Mig:
                var allocations = new List<TenantAllocation>();
                foreach (var t in tenants)
                {
                    var own = gpu.CurrentGeometry.Where(p => p.Tenant == t.Name).Select(p => model.FindProfile(p.Profile)).OfType<MigProfile>().ToArray();
                    var sms = own.Sum(p => p.SmCount);
                    allocations.Add(new TenantAllocation(t.Name, (double)sms / model.SmCount, string.Join("+", own.Select(p => p.Name)), gpu.CurrentGeometry.FirstOrDefault(p => p.Tenant == t.Name)?.Start));
                }

                return new Candidate(SharingMode.Mig, "MIG " + string.Join("+", gpu.CurrentGeometry.Select(p => p.Profile)), allocations, []);
            case SharingMode.Exclusive:
                return new Candidate(SharingMode.Exclusive, tenants.Count == 1 ? $"exclusive to {tenants[0].Name}" : "exclusive",
                    [.. tenants.Select(t => new TenantAllocation(t.Name, 1.0 / Math.Max(1, tenants.Count)))], []);
            case SharingMode.Vgpu:
                return new Candidate(SharingMode.Vgpu, $"vGPU {(gpu.VgpuPolicy ?? VgpuSchedulerPolicy.BestEffort).Label()}",
                    [.. tenants.Select(t => new TenantAllocation(t.Name, gpu.VgpuPolicy is VgpuSchedulerPolicy.EqualShare or VgpuSchedulerPolicy.FixedShare ? 1.0 / tenants.Count : CandidateGenerator.Leftover(tenants, t)))],
                    [], VgpuPolicy: gpu.VgpuPolicy ?? VgpuSchedulerPolicy.BestEffort);
            default:
                return new Candidate(gpu.Mode, gpu.Mode == SharingMode.Mps ? "MPS" : $"time-slicing ({tenants.Count} replicas)",
                    [.. tenants.Select(t => new TenantAllocation(t.Name, CandidateGenerator.Leftover(tenants, t)))], [], Replicas: tenants.Count);
        }
    }

    /// <summary>Whether a generated candidate is the configuration the GPU already has.</summary>
    public static bool IsSame(GpuEvidence gpu, Candidate candidate) => candidate.Mode == gpu.Mode && candidate.Mode switch
    {
        SharingMode.Mig => candidate.Allocations.All(a => gpu.CurrentGeometry.Count(p => p.Tenant == a.Tenant) == 1
            && string.Equals(gpu.CurrentGeometry.First(p => p.Tenant == a.Tenant).Profile, a.Profile, StringComparison.OrdinalIgnoreCase))
            && gpu.CurrentGeometry.Count(p => p.Tenant.Length > 0) == candidate.Allocations.Count,
        SharingMode.Exclusive => gpu.Tenants.Count == 1 && candidate.Allocations.Count == 1 && candidate.Allocations[0].Tenant == gpu.Tenants[0].Name,
        SharingMode.Vgpu => candidate.VgpuPolicy == (gpu.VgpuPolicy ?? VgpuSchedulerPolicy.BestEffort),

        // The MPS limits in force now are not measured, so advised limits are a change, never the current state.
        SharingMode.Mps => false,
        _ => true,
    };
}
