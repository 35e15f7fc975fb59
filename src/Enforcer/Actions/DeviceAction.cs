using GpuQos.Enforcer.Journal;

namespace GpuQos.Enforcer.Actions;

/// <summary>
/// An action on the whole device through <see cref="Model.Backends.IGpuControl"/>: it reads the value to
/// restore into its plan's journal record, and its step sets the new one. Device settings act on every tenant of the GPU, need root on a
/// real host, and do not survive a driver reload.
/// </summary>
internal sealed class DeviceAction(
    string type,
    Func<ActionContext, string?> refusal,
    Func<ActionContext, JournalEntry, JournalEntry> capture,
    Action<ActionContext> apply) : IPolicyAction
{
    public string Type => type;

    public string? Refusal(ActionContext context) => refusal(context);

    public ActionPlan? Plan(ActionContext context, long id) =>
        SettledAction.Plan(capture(context, context.Entry(id, type, "")), () => apply(context));
}
