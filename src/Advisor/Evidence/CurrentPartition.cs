namespace GpuQos.Advisor.Evidence;

/// <summary>A MIG instance that exists now: its profile, placement and owner (empty when none is known).</summary>
public sealed record CurrentPartition(string Profile, int? Start, string Tenant);
