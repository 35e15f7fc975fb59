namespace GpuQos.Enforcer.Actions;

/// <summary>A configured action of a policy, ready to be planned for a (tenant, GPU).</summary>
public interface IPolicyAction
{
    /// <summary>The action type.</summary>
    string Type { get; }

    /// <summary>Why the action cannot work on this GPU now (its sharing mode, running VMs…), or null when it can.</summary>
    string? Refusal(ActionContext context);

    /// <summary>
    /// Plans the action: what it will change, the journal record that undoes it, and the step that makes the
    /// change, with the action in force afterwards (<see cref="ActionPlan.Active"/>). Changes nothing itself:
    /// the engine journals the plan, then applies it or records a dry run. Null when there turned out to be
    /// nothing to act on (no tenant over its share).
    /// </summary>
    /// <param name="context">The (policy, tenant, GPU) and this cycle's snapshot.</param>
    /// <param name="id">The journal ID of the action.</param>
    ActionPlan? Plan(ActionContext context, long id);
}
