namespace GpuQos.Enforcer.Actions;

/// <summary>A configured action of a policy, ready to be applied to a (tenant, GPU).</summary>
public interface IPolicyAction
{
    /// <summary>The action type.</summary>
    string Type { get; }

    /// <summary>Why the action cannot work on this GPU now (its sharing mode, running VMs…), or null when it can.</summary>
    string? Refusal(ActionContext context);

    /// <summary>
    /// Journals the action (fsynced), then applies it unless the context is a dry run. Returns what is in force;
    /// null when there turned out to be nothing to act on (no tenant over its share).
    /// </summary>
    IActiveAction? Apply(ActionContext context, long id);
}
