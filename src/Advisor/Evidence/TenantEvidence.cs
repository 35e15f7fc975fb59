namespace GpuQos.Advisor.Evidence;

/// <summary>What was measured about one tenant on one GPU.</summary>
/// <param name="Name">Tenant name.</param>
/// <param name="Demand">SM-share demand distribution; null where it cannot be measured (per-client SM use under MPS).</param>
/// <param name="MemoryPeakBytes">Highest device memory the tenant held in the window.</param>
/// <param name="Sla">SLA objectives and history; null when no SLA evidence was available at all.</param>
public sealed record TenantEvidence(string Name, DemandStats? Demand, long MemoryPeakBytes, SlaEvidence? Sla)
{
    /// <summary>A tenant with at least one SLA objective is latency-sensitive: its risk weighs fully.</summary>
    public bool HasSla => Sla is { Objectives: > 0 };
}
