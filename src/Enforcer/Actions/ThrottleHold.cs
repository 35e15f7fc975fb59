namespace GpuQos.Enforcer.Actions;

/// <summary>
/// One tenant held by a throttle in force: what was asked (the cap and the duty cycle applied to reach it) next
/// to what was achieved (the tenant's share measured in the latest cycle), so an operator sees how close the
/// loop holds.
/// </summary>
/// <param name="Tenant">The throttled tenant (empty for processes of no tenant).</param>
/// <param name="Cap">The share the tenant is held to (0..1).</param>
/// <param name="Duty">The duty cycle its processes run at (0..1).</param>
/// <param name="Achieved">Its SM share in the latest cycle (0..1), or null when it could not be read.</param>
public sealed record ThrottleHold(string Tenant, double Cap, double Duty, double? Achieved);
