namespace GpuQos.IsolationProbes.Audit;

/// <summary>Isolation audit settings: schedule, pairs, thresholds.</summary>
public sealed class AuditOptions
{
}
