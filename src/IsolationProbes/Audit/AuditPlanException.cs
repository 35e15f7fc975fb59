namespace GpuQos.IsolationProbes.Audit;

/// <summary>The audit cannot run as configured on this host.</summary>
public sealed class AuditPlanException(string message) : Exception(message);
