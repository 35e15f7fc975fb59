using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Actions;

/// <summary>Creates the action for one action type. One factory per type, registered with one line.</summary>
public interface IActionFactory
{
    /// <summary>The type it creates (<see cref="KnownPolicyTypes.Actions"/>).</summary>
    string Type { get; }

    /// <summary>Creates the action from its options; throws when they cannot work at all.</summary>
    IPolicyAction Create(ActionOptions options);
}
