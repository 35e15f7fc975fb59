namespace GpuQos.Enforcer.Engine;

/// <summary>One enforcement event for <c>/api/v1/actions</c>: flat, so tables and <c>jq</c> read it as is.</summary>
/// <param name="Time">When it happened.</param>
/// <param name="Id">Journal ID of the action (0 for a refusal, which journals nothing).</param>
/// <param name="Policy">Policy name.</param>
/// <param name="Tenant">The policy's tenant.</param>
/// <param name="Gpu">GPU index.</param>
/// <param name="Uuid">GPU UUID.</param>
/// <param name="Action">Action type.</param>
/// <param name="Result">applied, dry-run, refused, failed, reverted, revert-failed or recovered.</param>
/// <param name="Detail">What was done or why not.</param>
public sealed record ActionRecord(DateTimeOffset Time, long Id, string Policy, string Tenant, int Gpu, string Uuid, string Action, string Result, string Detail);

/// <summary>The <c>result</c> label values of <c>gpuqos_enforcement_actions_total</c>.</summary>
public static class ActionResults
{
    public const string Applied = "applied";
    public const string DryRun = "dry-run";
    public const string Refused = "refused";
    public const string Failed = "failed";
    public const string Reverted = "reverted";
    public const string RevertFailed = "revert-failed";
    public const string Recovered = "recovered";
}
