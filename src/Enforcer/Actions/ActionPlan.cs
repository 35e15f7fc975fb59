using GpuQos.Enforcer.Journal;

namespace GpuQos.Enforcer.Actions;

/// <summary>
/// What an action will change, the journal record that undoes it, and the step that makes the change. An action
/// only plans; the engine (<see cref="Engine.ActionExecutor"/>) journals <see cref="Entry"/> (fsynced) before it
/// calls <see cref="Apply"/>, or records the plan as a dry run and never calls it. So no action can skip the
/// journal or act in dry-run.
/// </summary>
public sealed record ActionPlan
{
    /// <summary>What the plan does, in words, for the action log; null for a step not worth a record (a throttle's next duty cycles).</summary>
    public string? Detail { get; init; }

    /// <summary>
    /// The record the journal needs to undo the change without the daemon's memory; null when the step changes
    /// nothing a record already journaled does not undo (new duty cycles for processes already journaled, a SIGKILL).
    /// </summary>
    public JournalEntry? Entry { get; init; }

    /// <summary>Makes the change. Called only after <see cref="Entry"/> is in the journal, and never in dry-run.</summary>
    public required Action Apply { get; init; }

    /// <summary>
    /// Told once <see cref="Entry"/> is in the journal, in both modes, with the record as journaled (the engine
    /// marks a dry run in it): the action keeps it as what undoing it needs.
    /// </summary>
    public Action<JournalEntry>? Journaled { get; init; }

    /// <summary>The action in force once the first plan of an action is carried out; null for a later step.</summary>
    public IActiveAction? Active { get; init; }
}
