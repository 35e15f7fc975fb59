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
