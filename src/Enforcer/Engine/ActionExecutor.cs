using GpuQos.Enforcer.Actions;
using GpuQos.Enforcer.Journal;

namespace GpuQos.Enforcer.Engine;

/// <summary>
/// The one place that carries out an <see cref="ActionPlan"/>: it writes the plan's journal record (fsynced)
/// first, then applies the plan, or, in dry-run, records it and applies nothing. Every action of every type goes
/// through here, so journal-first and dry-run hold for an action type added later without it doing anything.
/// </summary>
public sealed class ActionExecutor(ActionJournal? journal)
{
    /// <summary>Journals the plan, then applies it unless <paramref name="dryRun"/>.</summary>
    /// <exception cref="JournalWriteException">The journal cannot take the record; nothing was applied.</exception>
    /// <exception cref="InvalidOperationException">The journal is not open; nothing was applied.</exception>
    public void Execute(ActionPlan plan, bool dryRun)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Entry is { } entry)
        {
            var journaled = entry with { DryRun = dryRun };
            (journal ?? throw new InvalidOperationException("the action journal is not open")).Append(journaled);
            plan.Journaled?.Invoke(journaled);
        }

        if (!dryRun)
        {
            plan.Apply();
        }
    }
}
