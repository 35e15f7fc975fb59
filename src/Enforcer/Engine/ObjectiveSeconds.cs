namespace GpuQos.Enforcer.Engine;

/// <summary>How long one objective has been met and violated since the daemon started (unknown time is in neither).</summary>
/// <param name="Met">Seconds its value was known and within its target.</param>
/// <param name="Violated">Seconds it was violated.</param>
public readonly record struct ObjectiveSeconds(double Met, double Violated);
