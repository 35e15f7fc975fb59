using System.ComponentModel.DataAnnotations;

namespace GpuQos.Advisor.Scoring;

/// <summary>
/// The advisor's weights and margins. A candidate's score is the weighted sum of its SLA risk, isolation
/// shortfall, stranded capacity, reconfiguration cost and displaced demand; the lowest score wins.
/// </summary>
public sealed class AdvisorOptions
{
    /// <summary>Weight of the expected SLA risk (fraction of time a tenant's demand is not met).</summary>
    [Range(0, 1000)]
    public double SlaRiskWeight { get; init; } = AdvisorOptionsDefaults.SlaRiskWeight;

    /// <summary>Weight of the isolation shortfall (1 − isolation strength, scaled by how much isolation the tenants need).</summary>
    [Range(0, 1000)]
    public double IsolationWeight { get; init; } = AdvisorOptionsDefaults.IsolationWeight;

    /// <summary>Weight of stranded capacity (reserved beyond p95 demand, or lost to the mode).</summary>
    [Range(0, 1000)]
    public double StrandedWeight { get; init; } = AdvisorOptionsDefaults.StrandedWeight;

    /// <summary>Weight of the reconfiguration cost (idle GPU, reset, restarts).</summary>
    [Range(0, 1000)]
    public double ReconfigurationWeight { get; init; } = AdvisorOptionsDefaults.ReconfigurationWeight;

    /// <summary>Weight of the demand that would have to move to another GPU.</summary>
    [Range(0, 1000)]
    public double DisplacementWeight { get; init; } = AdvisorOptionsDefaults.DisplacementWeight;

    /// <summary>How much the risk of a tenant without an SLA counts, relative to one with.</summary>
    [Range(0, 1)]
    public double BestEffortRiskFactor { get; init; } = AdvisorOptionsDefaults.BestEffortRiskFactor;

    /// <summary>Compute margin above p95 demand when sizing a MIG instance or an MPS limit.</summary>
    [Range(0, 2)]
    public double ComputeHeadroom { get; init; } = AdvisorOptionsDefaults.ComputeHeadroom;

    /// <summary>Memory margin above the memory peak when sizing a MIG instance or an MPS limit.</summary>
    [Range(0, 2)]
    public double MemoryHeadroom { get; init; } = AdvisorOptionsDefaults.MemoryHeadroom;

    /// <summary>How much lower a candidate's score must be than the current mode's before a change is advised.</summary>
    [Range(0, 100)]
    public double MinimumGain { get; init; } = AdvisorOptionsDefaults.MinimumGain;

    /// <summary>Median demand at or above which a co-runner counts as active for interference.</summary>
    [Range(0, 1)]
    public double ActiveDemand { get; init; } = AdvisorOptionsDefaults.ActiveDemand;
}
