using GpuQos.Enforcer.Journal;

namespace GpuQos.Enforcer.Actions;

/// <summary>
/// An action applied once that needs no feedback while in force (a clock lock, a power limit, a nice value).
/// It never holds the policy in enforcing on its own: it is lifted once the objectives are met with hysteresis.
/// </summary>
internal sealed class SettledAction(JournalEntry planned) : IActiveAction
{
    public long Id => Entry.Id;

    public string Type => Entry.Action;

    public string Detail => Entry.Detail;

    /// <summary>The record as journaled (<see cref="Plan"/>), dry-run mark included.</summary>
    public JournalEntry Entry { get; private set; } = planned;

    /// <summary>The plan that journals <paramref name="entry"/> and then runs <paramref name="apply"/>, with this action in force after it.</summary>
    public static ActionPlan Plan(JournalEntry entry, Action apply)
    {
        var settled = new SettledAction(entry);
        return new ActionPlan { Detail = entry.Detail, Entry = entry, Apply = apply, Journaled = e => settled.Entry = e, Active = settled };
    }

    public IReadOnlyList<ActionPlan> Update(ActionContext context) => [];

    public bool Slack(ActionContext context) => true;
}
