using GpuQos.Model.Devices;

namespace GpuQos.Advisor.Candidates;

/// <summary>One way to share a GPU: a mode, and what each tenant gets under it.</summary>
/// <param name="Mode">The sharing mode.</param>
/// <param name="Label">How the table prints it: <c>MIG 3g.40gb+3g.40gb</c>, <c>exclusive to llm</c>.</param>
/// <param name="Allocations">Tenants that stay on the GPU and what they get (MIG instances in creation order).</param>
/// <param name="Displaced">Tenants that must move to another GPU (the exclusive case).</param>
/// <param name="Replicas">Device-plugin replicas, under time-slicing and MPS.</param>
/// <param name="VgpuPolicy">vGPU scheduler policy, under vGPU.</param>
public sealed record Candidate(
    SharingMode Mode,
    string Label,
    IReadOnlyList<TenantAllocation> Allocations,
    IReadOnlyList<string> Displaced,
    int? Replicas = null,
    VgpuSchedulerPolicy? VgpuPolicy = null)
{
    /// <summary>The MIG profiles in creation order (largest first), empty outside MIG.</summary>
    public IReadOnlyList<string> MigProfiles => Mode == SharingMode.Mig ? [.. Allocations.Select(a => a.Profile!)] : [];
}
