namespace GpuQos.Enforcer.Policies;

/// <summary>Whether planned actions are applied.</summary>
public enum EnforcementMode
{
    /// <summary>Plan, journal and apply.</summary>
    Enforce,

    /// <summary>Plan and journal, but change nothing.</summary>
    DryRun,
}
