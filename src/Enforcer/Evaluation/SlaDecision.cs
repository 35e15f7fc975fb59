namespace GpuQos.Enforcer.Evaluation;

/// <summary>What the state machine asks the enforcer to do after a step.</summary>
public enum SlaDecision
{
    /// <summary>Nothing new: keep what is in force (and keep its controllers running).</summary>
    None,

    /// <summary>The policy is breached and may act now: plan and apply its actions.</summary>
    Act,

    /// <summary>The breach is over: lift every action in force.</summary>
    Lift,
}
