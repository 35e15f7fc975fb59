using GpuQos.Model.Backends;
using GpuQos.Enforcer.Actions;
using GpuQos.Enforcer.Journal;
using Microsoft.Extensions.Logging;

namespace GpuQos.Enforcer.Engine;

/// <summary>
/// The stage after a state machine decides to act. For each action of the policy: its refusal (the PID namespace
/// guard first), its plan, and the plan carried out by the <see cref="ActionExecutor"/> (journal, then apply, or a
/// dry run), each outcome recorded and logged. It carries out the later steps of actions in force the same way.
/// </summary>
internal sealed class ActionRunner(
    ActionExecutor executor,
    ActionJournal? journal,
    PidNamespaceGuard pidNamespace,
    ActionLog log,
    Action<JournalWriteException> journalFailed,
    ILogger logger)
{
    /// <summary>Plans and carries out every action of the policy that is not refused; adds what is in force to the track.</summary>
    public void Act(CompiledPolicy policy, SlaKey key, SlaTrack track, ActionContext context, string uuid, bool dryRun)
    {
        foreach (var action in policy.Actions)
        {
            if ((pidNamespace.Refusal(action, context) ?? action.Refusal(context)) is { } refusal)
            {
                log.Record(key, uuid, 0, action.Type, ActionResults.Refused, refusal);
                EnforcerLog.ActionRefused(logger, action.Type, key.Policy, key.Tenant, key.Gpu, refusal);
                continue;
            }

            var id = (journal ?? throw new InvalidOperationException("the action journal is not open")).NextId();
            try
            {
                if (action.Plan(context, id) is { } plan)
                {
                    // Journal first (fsynced), then apply, or record a dry run: here, for every action type.
                    executor.Execute(plan, dryRun);
                    var active = plan.Active ?? throw new InvalidOperationException($"the {action.Type} action planned nothing to keep in force");
                    track.Active.Add(active);
                    var result = dryRun ? ActionResults.DryRun : ActionResults.Applied;
                    log.Record(key, uuid, id, action.Type, result, active.Detail);
                    EnforcerLog.ActionTaken(logger, action.Type, id, key.Policy, key.Tenant, key.Gpu, result, active.Detail);
                }
            }
            catch (JournalWriteException ex)
            {
                // Journal before act: nothing was applied; the breach asks again next cycle, so space coming back heals it.
                log.Record(key, uuid, id, action.Type, ActionResults.Refused, ex.Message);
                journalFailed(ex);
            }
            catch (Exception ex) when (ex is GpuBackendException or IOException or InvalidOperationException or ArgumentException or UnauthorizedAccessException)
            {
                // The journal line may already be written. It stays open until a clean stop empties the journal or
                // the next start undoes it, which is harmless for an action that never took effect.
                log.Record(key, uuid, id, action.Type, ActionResults.Failed, ex.Message);
                EnforcerLog.ActionFailed(logger, ex, action.Type, id, key.Policy, key.Tenant, key.Gpu);
            }
        }
    }

    /// <summary>
    /// Carries out a step an action in force planned: journaled and applied, or recorded as a dry run, as a first
    /// plan is. A step the journal cannot take is not applied; the action plans it again next cycle.
    /// </summary>
    public void CarryOut(SlaKey key, string uuid, IActiveAction active, ActionPlan plan, bool dryRun)
    {
        try
        {
            executor.Execute(plan, dryRun);
        }
        catch (JournalWriteException ex)
        {
            journalFailed(ex);
            if (plan.Detail is not null)
            {
                log.Record(key, uuid, active.Id, active.Type, ActionResults.Refused, ex.Message);
            }

            return;
        }

        if (plan.Detail is { } detail)
        {
            var result = dryRun ? ActionResults.DryRun : ActionResults.Applied;
            log.Record(key, uuid, active.Id, active.Type, result, detail);
            EnforcerLog.ActionTaken(logger, active.Type, active.Id, key.Policy, key.Tenant, key.Gpu, result, detail);
        }
    }
}
