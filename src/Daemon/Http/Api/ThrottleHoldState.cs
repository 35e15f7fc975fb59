namespace GpuQos.Daemon.Http.Api;

/// <summary>A tenant a throttle holds: the cap and duty cycle asked, and the share achieved.</summary>
/// <param name="Tenant">Tenant held.</param>
/// <param name="Cap">SM share cap asked (0..1).</param>
/// <param name="Duty">Duty cycle applied (0..1).</param>
/// <param name="Achieved">Share achieved, when measured.</param>
public sealed record ThrottleHoldState(string Tenant, double Cap, double Duty, double? Achieved);
