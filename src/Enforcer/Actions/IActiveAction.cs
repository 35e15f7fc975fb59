using GpuQos.Enforcer.Journal;

namespace GpuQos.Enforcer.Actions;

/// <summary>An action in force.</summary>
public interface IActiveAction
{
    /// <summary>Journal ID.</summary>
    long Id { get; }

    /// <summary>Action type.</summary>
    string Type { get; }

    /// <summary>What it does, in words.</summary>
    string Detail { get; }

    /// <summary>Everything journaled for it, merged: what <see cref="ActionReverter"/> undoes.</summary>
    JournalEntry Entry { get; }

    /// <summary>For a throttle, each tenant held: its cap, duty cycle and achieved share; empty for other actions.</summary>
    IReadOnlyList<ThrottleHold> Holds => [];

    /// <summary>
    /// Runs once per cycle while in force (feedback controllers, new processes, an eviction's next process or its
    /// SIGKILL) and returns the steps to carry out, in order; the engine journals and applies each as it does a
    /// first plan, and records those with a <see cref="ActionPlan.Detail"/>.
    /// </summary>
    IReadOnlyList<ActionPlan> Update(ActionContext context);

    /// <summary>True when the action no longer bites and could be lifted without the objective suffering.</summary>
    bool Slack(ActionContext context);
}
