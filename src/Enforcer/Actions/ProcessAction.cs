using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;
using GpuQos.Model.Snapshots;

namespace GpuQos.Enforcer.Actions;

/// <summary>An action applied once to each process of the target tenants, journaled with what to restore.</summary>
internal sealed class ProcessAction(
    string type,
    Func<ActionContext, string?> refusal,
    Func<ActionContext, ProcessSnapshot, ProcessKey, JournalProcess> capture,
    Action<ActionContext, ProcessKey> apply,
    ActionOptions options,
    string what) : IPolicyAction
{
    public string Type => type;

    public string? Refusal(ActionContext context) => refusal(context);

    public ActionPlan? Plan(ActionContext context, long id)
    {
        var targets = new List<(ProcessKey Key, JournalProcess Journal)>();
        foreach (var tenant in ActionTargets.Tenants(context, options))
        {
            foreach (var p in ActionTargets.Processes(context, tenant))
            {
                if (context.Processes.Identify(p) is { } key)
                {
                    targets.Add((key, capture(context, p, key)));
                }
            }
        }

        if (targets.Count == 0)
        {
            return null;
        }

        var entry = context.Entry(id, type, $"{targets.Count} process(es) {what}") with
        {
            ProcessKind = context.Processes.Kind,
            Processes = targets.Select(t => t.Journal).ToList(),
        };
        return SettledAction.Plan(entry, () =>
        {
            foreach (var (key, _) in targets)
            {
                apply(context, key);
            }
        });
    }
}
