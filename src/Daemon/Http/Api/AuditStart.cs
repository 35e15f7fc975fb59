namespace GpuQos.Daemon.Http.Api;

/// <summary>The answer to <c>POST /api/v1/audits/run</c>.</summary>
/// <param name="Started">True when an audit was started; false when one was already running.</param>
/// <param name="Error">Why none was started.</param>
public sealed record AuditStart(bool Started, string? Error = null);
