using GpuQos.Model.Devices;

namespace GpuQos.Enforcer.Journal;

/// <summary>
/// One line of the action journal. An <c>apply</c> line is written (and fsynced) before the action changes
/// anything and carries what is needed to undo it without the daemon's memory: process keys with start
/// times, the previous power limit, compute mode or scheduler. A <c>revert</c> line closes it. Several
/// <c>apply</c> lines may share an <see cref="Id"/> when an action reaches more processes while in force.
/// </summary>
public sealed record JournalEntry
{
    /// <summary><c>apply</c> or <c>revert</c>.</summary>
    public required string Op { get; init; }

    /// <summary>The action instance.</summary>
    public required long Id { get; init; }

    /// <summary>Action type (<see cref="Policies.KnownPolicyTypes.Actions"/>).</summary>
    public required string Action { get; init; }

    public required DateTimeOffset At { get; init; }
    public string Policy { get; init; } = "";
    public string Tenant { get; init; } = "";
    public int Gpu { get; init; } = -1;

    /// <summary>Planned only (dry-run): nothing was changed, so nothing needs undoing.</summary>
    public bool DryRun { get; init; }

    /// <summary>How processes were acted on: <c>os</c> (signals, setpriority) or <c>sim</c>.</summary>
    public string? ProcessKind { get; init; }

    /// <summary>Processes acted on, with the values to restore.</summary>
    public IReadOnlyList<JournalProcess>? Processes { get; init; }

    /// <summary>cgroups frozen.</summary>
    public IReadOnlyList<string>? Cgroups { get; init; }

    public uint? PreviousPowerMilliwatts { get; init; }

    /// <summary>The SM clock lock in force before a <c>lock-clocks</c> (null: none known, so undo resets).</summary>
    public uint? PreviousLockedMinMhz { get; init; }

    /// <summary>The upper end of <see cref="PreviousLockedMinMhz"/>'s lock.</summary>
    public uint? PreviousLockedMaxMhz { get; init; }
    public ComputeMode? PreviousComputeMode { get; init; }
    public VgpuSchedulerPolicy? PreviousScheduler { get; init; }
    public uint? PreviousTimesliceMicroseconds { get; init; }

    /// <summary>MPS servers acted on, with the values to restore.</summary>
    public IReadOnlyList<JournalMpsServer>? MpsServers { get; init; }

    /// <summary>What the action does, in words.</summary>
    public string Detail { get; init; } = "";
}

/// <summary>A process in the journal: PID, start time (to detect PID reuse) and the nice value to restore.</summary>
/// <param name="Pid">Process ID.</param>
/// <param name="StartTime">Start time in clock ticks since boot, from the snapshot the action acted on.</param>
/// <param name="PreviousNice">The nice value the action saw before it changed it.</param>
public sealed record JournalProcess(int Pid, long StartTime, int? PreviousNice = null)
{
    /// <summary>The lowest nice value Linux has (the highest priority).</summary>
    public const int MinNice = -20;

    /// <summary>The highest nice value Linux has.</summary>
    public const int MaxNice = 19;

    /// <summary>The nice value the action set.</summary>
    public int? AppliedNice { get; init; }

    /// <summary>
    /// What undoing a <c>priority</c> action may do to this process, whose nice value is now
    /// <paramref name="current"/>: move it from the value the action set back to the value the action saw, and
    /// nowhere else. Returns the value to restore; null with no refusal when there is nothing to do (the
    /// process is gone, or someone reniced it since, whose choice stands); a refusal when the entry does not
    /// say both values, or the value to restore is not a nice value.
    /// </summary>
    public (int? Nice, string? Refusal) NiceToRestore(int? current)
    {
        if (PreviousNice is not { } previous || AppliedNice is not { } applied)
        {
            return (null, $"process {Pid}: the entry does not record the nice value seen and the one set; not renicing");
        }

        if (previous is < MinNice or > MaxNice)
        {
            return (null, $"process {Pid}: nice {previous} is out of the range {MinNice}..{MaxNice}; not renicing");
        }

        return (current == applied ? previous : null, null);
    }
}

/// <summary>An MPS server in the journal: its PID, the device, and the value read before it was changed.</summary>
/// <param name="Pid">The server's PID.</param>
/// <param name="Device">The device index a pinned-memory limit was set on.</param>
/// <param name="PreviousThreadPercentage">The active thread percentage read before (<c>mps-threads</c>).</param>
/// <param name="PreviousPinnedMemoryLimit">The pinned-memory limit read before, as the daemon spelled it (<c>mps-memory-limit</c>).</param>
public sealed record JournalMpsServer(int Pid, int Device, int? PreviousThreadPercentage = null, string? PreviousPinnedMemoryLimit = null);
