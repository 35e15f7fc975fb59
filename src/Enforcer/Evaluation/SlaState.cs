namespace GpuQos.Enforcer.Evaluation;

/// <summary>Where one (policy, tenant, GPU) stands: ok → pending → breached → enforcing → recovering → ok.</summary>
public enum SlaState
{
    /// <summary>Every objective is met.</summary>
    Ok,

    /// <summary>An objective is violated, for less than the policy's <c>for</c>.</summary>
    Pending,

    /// <summary>Violated for at least <c>for</c>; no action is in force (none applicable, cooling down, or over the action limit).</summary>
    Breached,

    /// <summary>Actions are in force.</summary>
    Enforcing,

    /// <summary>The objectives are met with hysteresis and the actions no longer bite; they are lifted once this lasts <c>for</c>.</summary>
    Recovering,
}

/// <summary>Spellings of <see cref="SlaState"/> for labels and JSON.</summary>
public static class SlaStateNames
{
    /// <summary>Every state, in lifecycle order.</summary>
    public static IReadOnlyList<SlaState> All { get; } = [SlaState.Ok, SlaState.Pending, SlaState.Breached, SlaState.Enforcing, SlaState.Recovering];

    /// <summary>The label value: <c>ok</c>, <c>pending</c>, <c>breached</c>, <c>enforcing</c>, <c>recovering</c>.</summary>
    public static string Label(this SlaState state) => state switch
    {
        SlaState.Ok => "ok",
        SlaState.Pending => "pending",
        SlaState.Breached => "breached",
        SlaState.Enforcing => "enforcing",
        SlaState.Recovering => "recovering",
        _ => "unknown",
    };
}
