using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;
using GpuQos.Model.Backends;

namespace GpuQos.Enforcer.Actions;

/// <summary>
/// Undoes an action from its journal entry alone. The same code lifts an action at recovery, at a graceful
/// stop, and at the start after a crash, so the crash path is never a second, less tested implementation.
/// Process undo checks each process's start time, so a PID reused since is left alone.
/// </summary>
/// <param name="control">Device control calls.</param>
/// <param name="processActuators">Process actuators by <see cref="IProcessActuator.Kind"/>; an entry is undone by the kind that applied it.</param>
/// <param name="freezer">The cgroup freezer.</param>
/// <param name="mps">The MPS control daemon as configured now, if any.</param>
public sealed class ActionReverter(IGpuControl control, IReadOnlyDictionary<string, IProcessActuator> processActuators, CgroupFreezer freezer, Func<IMpsControl?>? mps = null)
{
    private readonly HostReverter _host = new(processActuators, freezer);

    /// <summary>Undoes <paramref name="entry"/>. Throws when a device call fails; process and cgroup undo never throw for gone targets.</summary>
    public void Revert(JournalEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.DryRun)
        {
            return;
        }

        if (_host.TryRevert(entry))
        {
            return;
        }

        switch (entry.Action)
        {
            case KnownPolicyTypes.Actions.MpsThreads:
                foreach (var server in entry.MpsServers ?? [])
                {
                    if (server.PreviousThreadPercentage is { } previous)
                    {
                        Mps(entry).SetActiveThreadPercentage(server.Pid, previous);
                    }
                }

                break;
            case KnownPolicyTypes.Actions.MpsMemoryLimit:
                foreach (var server in entry.MpsServers ?? [])
                {
                    if (server.PreviousPinnedMemoryLimit is { } previous)
                    {
                        Mps(entry).SetPinnedMemoryLimit(server.Pid, server.Device, previous);
                    }
                }

                break;
            case KnownPolicyTypes.Actions.LockClocks when entry.PreviousLockedMinMhz is { } min && entry.PreviousLockedMaxMhz is { } max:
                // Another lock was in force before this one (a second policy's, say): put it back, not reset.
                control.SetLockedClocks(entry.Gpu, min, max);
                break;
            case KnownPolicyTypes.Actions.LockClocks:
                control.ResetLockedClocks(entry.Gpu);
                break;
            case KnownPolicyTypes.Actions.PowerLimit when entry.PreviousPowerMilliwatts is { } mw:
                control.SetPowerLimit(entry.Gpu, mw);
                break;
            case KnownPolicyTypes.Actions.ComputeMode when entry.PreviousComputeMode is { } mode:
                control.SetComputeMode(entry.Gpu, mode);
                break;
            case KnownPolicyTypes.Actions.VgpuScheduler when entry.PreviousScheduler is { } policy:
                control.SetVgpuScheduler(entry.Gpu, policy, entry.PreviousTimesliceMicroseconds ?? 0);
                break;
            default:
                break;
        }
    }

    private IMpsControl Mps(JournalEntry entry) =>
        mps?.Invoke() ?? throw new InvalidOperationException($"{entry.Action} {entry.Id} set MPS servers, and no MPS control daemon is configured to set them back");
}
