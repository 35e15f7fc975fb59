using System.Collections.Frozen;
using GpuQos.Enforcer.Actions;
using GpuQos.Enforcer.Policies;
using GpuQos.Model.Procfs;

namespace GpuQos.Enforcer.Engine;

/// <summary>
/// Refuses every action that signals, renices or freezes the processes NVML reports when those PIDs are not
/// the daemon's: in a container without the host's PID namespace, PID 4101 from NVML is some other process
/// here. Checked where every action passes before it is journaled, so no action type can miss it.
/// </summary>
internal sealed class PidNamespaceGuard(PidNamespaceCheck? check)
{
    // The action types that reach processes by the PIDs (and, through them, the cgroups) NVML reports.
    private static readonly FrozenSet<string> ProcessActions = FrozenSet.ToFrozenSet(
        [KnownPolicyTypes.Actions.Throttle, KnownPolicyTypes.Actions.Priority, KnownPolicyTypes.Actions.Freeze, KnownPolicyTypes.Actions.Evict],
        StringComparer.Ordinal);

    /// <summary>Why <paramref name="action"/> must not run, or null when it may (or touches no process).</summary>
    public string? Refusal(IPolicyAction action, ActionContext context)
    {
        // The simulated host's processes live in the simulator, whatever namespace the daemon is in.
        if (check is null || context.Processes.Kind != "os" || !ProcessActions.Contains(action.Type))
        {
            return null;
        }

        return check.Check().Refusal;
    }
}
