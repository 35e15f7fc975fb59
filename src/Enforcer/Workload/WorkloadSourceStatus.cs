namespace GpuQos.Enforcer.Workload;

/// <summary>How one workload metrics source is being read, for <c>/api/v1/state</c> and <c>gpuqos status</c>.</summary>
/// <param name="Source">The source as configured (<c>scrape:URL</c> or <c>prometheus:QUERY</c>).</param>
/// <param name="Reads">Reads that succeeded.</param>
/// <param name="Failures">Reads that failed (unreachable, timed out, too large, malformed, rejected).</param>
/// <param name="LastRead">When the last successful read completed.</param>
/// <param name="LastError">Why the last read failed, when the last read did; null after a success.</param>
/// <param name="Unknown">Evaluations of objectives on this source that could be neither violated nor met.</param>
/// <param name="LastUnknown">Why the last such evaluation was unknown.</param>
public sealed record WorkloadSourceStatus(string Source, long Reads, long Failures, DateTimeOffset? LastRead, string? LastError, long Unknown, string? LastUnknown);
