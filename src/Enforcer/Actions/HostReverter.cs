using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Actions;

/// <summary>
/// Undoes the actions that need no GPU: throttles (SIGCONT), priorities (nice restored) and freezes (thaw).
/// Split from <see cref="ActionReverter"/> so a restarted daemon can resume what a crashed run left stopped
/// before it has a GPU backend; each process's start time is checked, so a reused PID is left alone.
/// </summary>
/// <param name="processActuators">Process actuators by <see cref="IProcessActuator.Kind"/>; an entry is undone by the kind that applied it.</param>
/// <param name="freezer">The cgroup freezer.</param>
public sealed class HostReverter(IReadOnlyDictionary<string, IProcessActuator> processActuators, CgroupFreezer freezer)
{
    /// <summary>Whether <paramref name="action"/> is undone here rather than through the GPU.</summary>
    public static bool Handles(string action) =>
        action is KnownPolicyTypes.Actions.Throttle or KnownPolicyTypes.Actions.Priority or KnownPolicyTypes.Actions.Freeze;

    /// <summary>
    /// Undoes <paramref name="entry"/> when it is a host action; false (nothing done) for a device action.
    /// Processes that are gone, or whose PID now names another process, are skipped without a signal.
    /// </summary>
    public bool TryRevert(JournalEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!Handles(entry.Action))
        {
            return false;
        }

        if (entry.DryRun)
        {
            return true;
        }

        var processes = processActuators.GetValueOrDefault(entry.ProcessKind ?? "");
        switch (entry.Action)
        {
            case KnownPolicyTypes.Actions.Throttle:
                foreach (var p in entry.Processes ?? [])
                {
                    processes?.SetDutyCycle(new ProcessKey(p.Pid, p.StartTime), 1);
                }

                break;
            case KnownPolicyTypes.Actions.Priority:
                var refusals = new List<string>();
                foreach (var p in entry.Processes ?? [])
                {
                    var key = new ProcessKey(p.Pid, p.StartTime);
                    var (nice, refusal) = processes is null ? (null, null) : p.NiceToRestore(processes.GetNice(key));
                    if (nice is { } value)
                    {
                        processes!.SetNice(key, value);
                    }
                    else if (refusal is not null)
                    {
                        refusals.Add(refusal);
                    }
                }

                if (refusals.Count > 0)
                {
                    throw new InvalidOperationException(string.Join("; ", refusals));
                }

                break;
            default:
                foreach (var cgroup in entry.Cgroups ?? [])
                {
                    freezer.Thaw(cgroup);
                }

                break;
        }

        return true;
    }
}
