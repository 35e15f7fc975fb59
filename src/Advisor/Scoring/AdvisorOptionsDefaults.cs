namespace GpuQos.Advisor.Scoring;

/// <summary>Default weights and margins; docs/advisor.md explains each.</summary>
public static class AdvisorOptionsDefaults
{
    public const double SlaRiskWeight = 10;
    public const double IsolationWeight = 1;
    public const double StrandedWeight = 1;
    public const double ReconfigurationWeight = 0.5;
    public const double DisplacementWeight = 2;
    public const double BestEffortRiskFactor = 0.25;
    public const double ComputeHeadroom = 0.1;
    public const double MemoryHeadroom = 0.1;
    public const double MinimumGain = 0.05;
    public const double ActiveDemand = 0.05;
}
