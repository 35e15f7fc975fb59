using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Actions;

/// <summary>Creates <c>throttle</c> actions.</summary>
public sealed class ThrottleActionFactory : IActionFactory
{
    /// <inheritdoc />
    public string Type => KnownPolicyTypes.Actions.Throttle;

    /// <inheritdoc />
    public IPolicyAction Create(ActionOptions options) => new ThrottleAction(options);
}
