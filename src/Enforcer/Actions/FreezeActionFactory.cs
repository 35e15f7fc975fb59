using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Actions;

/// <summary>
/// Creates <c>freeze</c>: freezes the cgroups of the target tenants' processes until the breach is over
/// (cgroup v2 <c>cgroup.freeze</c>, or the v1 freezer). The bluntest tool: a frozen tenant makes no progress.
/// GPU work it already queued still drains.
/// </summary>
public sealed class FreezeActionFactory : IActionFactory
{
    /// <inheritdoc />
    public string Type => KnownPolicyTypes.Actions.Freeze;

    /// <inheritdoc />
    public IPolicyAction Create(ActionOptions options) => new FreezeAction(options);
}
