using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Actions;

/// <summary>Creates <c>evict</c> (see <see cref="EvictAction"/>): opt-in, for max-memory ceilings only.</summary>
public sealed class EvictActionFactory : IActionFactory
{
    /// <inheritdoc />
    public string Type => KnownPolicyTypes.Actions.Evict;

    /// <inheritdoc />
    public IPolicyAction Create(ActionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new EvictAction(options);
    }
}
