namespace GpuQos.Enforcer.Policies;

/// <summary>A named SLA policy for one tenant: objectives (trigger), limits, then actions.</summary>
public sealed class PolicyOptions
{
    /// <summary>Policy name.</summary>
    public string Name { get; init; } = "";
}
