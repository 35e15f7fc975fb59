namespace GpuQos.IsolationProbes.Audit;

/// <summary>Progress of an audit: what runs now, and how far along it is.</summary>
/// <param name="Description">The step that just started.</param>
/// <param name="Completed">Steps finished.</param>
/// <param name="Total">Steps in all.</param>
public sealed record AuditStep(string Description, int Completed, int Total);
