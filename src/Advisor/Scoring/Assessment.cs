using GpuQos.Advisor.Candidates;

namespace GpuQos.Advisor.Scoring;

/// <summary>A candidate with every figure its score rests on, so an operator can check the reasoning.</summary>
/// <param name="Candidate">The configuration.</param>
/// <param name="IsCurrent">True for the configuration the GPU has now.</param>
/// <param name="SlaRisk">Worst SLA tenant's risk, or the best-effort factor times the worst other tenant's, whichever is larger.</param>
/// <param name="Tenants">Per-tenant figures.</param>
/// <param name="Isolation">Isolation strength of the mode (0..1), lowered by audit findings on the current mode.</param>
/// <param name="IsolationNeed">How much the tenants need isolation: 0 alone, 0.5 without SLAs, 1 with.</param>
/// <param name="IsolationFinding">What the audit found, when it lowered the strength.</param>
/// <param name="Stranded">Fraction of the GPU reserved beyond p95 demand or lost to the mode.</param>
/// <param name="Reconfiguration">Cost of getting there (0..1).</param>
/// <param name="ReconfigurationSteps">What getting there takes.</param>
/// <param name="Displacement">Demand (fractions of a GPU) that must move to another GPU.</param>
/// <param name="Score">Weighted sum; lower is better.</param>
public sealed record Assessment(
    Candidate Candidate,
    bool IsCurrent,
    double SlaRisk,
    IReadOnlyList<TenantRisk> Tenants,
    double Isolation,
    double IsolationNeed,
    string? IsolationFinding,
    double Stranded,
    double Reconfiguration,
    string ReconfigurationSteps,
    double Displacement,
    double Score);
