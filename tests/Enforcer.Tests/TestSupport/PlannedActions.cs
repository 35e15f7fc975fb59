using GpuQos.Enforcer.Actions;
using GpuQos.Enforcer.Engine;
using GpuQos.Enforcer.Journal;

namespace GpuQos.Enforcer.Tests.TestSupport;

/// <summary>Carries out one action's plan the way the engine does, for tests that call an action directly.</summary>
internal static class PlannedActions
{
    /// <summary>Plans the action, then journals and applies the plan through <see cref="ActionExecutor"/>; returns what is in force.</summary>
    public static IActiveAction? Apply(this IPolicyAction action, ActionContext context, ActionJournal journal, bool dryRun = false)
    {
        if (action.Plan(context, journal.NextId()) is not { } plan)
        {
            return null;
        }

        new ActionExecutor(journal).Execute(plan, dryRun);
        return plan.Active;
    }
}
