using GpuQos.Enforcer.Journal;

namespace GpuQos.Enforcer.Actions;

/// <summary>
/// An action applied once that needs no feedback while in force (a clock lock, a power limit, a nice value).
/// It never holds the policy in enforcing on its own: it is lifted once the objectives are met with hysteresis.
/// </summary>
internal sealed class SettledAction(JournalEntry entry) : IActiveAction
{
    public long Id => entry.Id;

    public string Type => entry.Action;

    public string Detail => entry.Detail;

    public JournalEntry Entry => entry;

    public void Update(ActionContext context)
    {
    }

    public bool Slack(ActionContext context) => true;
}
