namespace GpuQos.Daemon.Http.Api;

/// <summary>One row of <c>GET /api/v1/actions</c>: an enforcement action, applied, reverted or planned in dry-run.</summary>
/// <param name="Time">When it happened.</param>
/// <param name="Id">Journal id.</param>
/// <param name="Policy">Policy that asked for it.</param>
/// <param name="Tenant">Tenant it protects.</param>
/// <param name="Gpu">GPU index.</param>
/// <param name="Uuid">GPU UUID.</param>
/// <param name="Action">Action type (<c>throttle</c>, <c>freeze</c>, ...).</param>
/// <param name="Result">Outcome (<c>applied</c>, <c>reverted</c>, <c>dry-run</c>, <c>failed</c>, ...).</param>
/// <param name="Detail">What it changed, in words.</param>
public sealed record ActionEntry(DateTimeOffset Time, long Id, string Policy, string Tenant, int Gpu, string Uuid, string Action, string Result, string Detail);
