namespace GpuQos.Enforcer.Engine;

/// <summary>
/// What the enforcer looked like after its last change (an evaluation, a recovery, a lift, a reload), replaced
/// whole and never changed in place: <c>/metrics</c>, the API and <c>gpuqos status</c> read it without taking
/// the enforcer's lock, so a slow enforcement step (a journal fsync, a control call) never holds a reader up.
/// </summary>
internal sealed record EnforcerView(
    IReadOnlyList<SlaStatus> Status,
    IReadOnlyList<ActionRecord> RecentActions,
    IReadOnlyList<KeyValuePair<(string Action, string Policy, string Result), long>> ActionCounts,
    IReadOnlyList<PolicyFailure> Failures,
    IReadOnlyList<(string Tenant, string Policy, double Slo)> SloTargets,
    IReadOnlyList<string> PolicyNames)
{
    /// <summary>Before the enforcer is built.</summary>
    public static EnforcerView Empty { get; } = new([], [], [], [], [], []);
}
