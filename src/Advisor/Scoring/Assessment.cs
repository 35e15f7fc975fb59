using GpuQos.Advisor.Candidates;

namespace GpuQos.Advisor.Scoring;

/// <summary>The figures one tenant's risk rests on under one candidate.</summary>
/// <param name="Tenant">Tenant name.</param>
/// <param name="HasSla">Whether the tenant has SLA objectives (its risk weighs fully).</param>
/// <param name="Capacity">SM share it can count on (0..1).</param>
/// <param name="Slowdown">Expected slowdown beside its co-runners (0.74 = 74%).</param>
/// <param name="SlowdownBasis">Where the slowdown comes from: the audit, or which literature prior.</param>
/// <param name="PredictedRisk">P(demand × (1 + slowdown) &gt; capacity), from the demand quantiles; null when demand is unknown.</param>
/// <param name="MeasuredRisk">Fraction of the window its SLA was breached, for the current configuration only.</param>
public sealed record TenantRisk(string Tenant, bool HasSla, double Capacity, double Slowdown, string SlowdownBasis, double? PredictedRisk, double? MeasuredRisk)
{
    /// <summary>The risk the score uses: the larger of what was measured and what is predicted.</summary>
    public double? Risk => (PredictedRisk, MeasuredRisk) switch
    {
        (null, null) => null,
        var (p, m) => Math.Max(p ?? 0, m ?? 0),
    };
}

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
