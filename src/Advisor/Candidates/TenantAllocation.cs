namespace GpuQos.Advisor.Candidates;

/// <summary>What one tenant gets under a candidate.</summary>
/// <param name="Tenant">Tenant name.</param>
/// <param name="Capacity">SM share of the whole GPU the tenant can count on when the others run at their p95 (0..1).</param>
/// <param name="Profile">MIG profile of the tenant's instance, under MIG.</param>
/// <param name="Start">Memory slice the instance starts at, under MIG.</param>
/// <param name="MpsThreadPercentage">MPS active-thread percentage, under MPS.</param>
/// <param name="MemoryLimitBytes">MPS pinned-memory limit, under MPS.</param>
public sealed record TenantAllocation(
    string Tenant,
    double Capacity,
    string? Profile = null,
    int? Start = null,
    int? MpsThreadPercentage = null,
    long? MemoryLimitBytes = null);
