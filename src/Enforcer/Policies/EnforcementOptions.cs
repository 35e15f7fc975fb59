namespace GpuQos.Enforcer.Policies;

/// <summary>Global enforcement settings.</summary>
public sealed class EnforcementOptions
{
}
