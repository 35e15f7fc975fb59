using GpuQos.Enforcer.Evaluation;
using GpuQos.Model.Metrics;

namespace GpuQos.Enforcer.Engine;

/// <summary>
/// SLA states, objective values and enforcement actions. <c>gpuqos_sla_state</c> is a state set: one series
/// per state, 1 for the current one and 0 for the others, so <c>gpuqos_sla_state{state="enforcing"} == 1</c>
/// selects what is being enforced and no one has to remember what a number means.
/// </summary>
public sealed class EnforcementMetrics(SlaEnforcer enforcer) : IMetricSource
{
    private static readonly IReadOnlyList<string> Sla = MetricLabels.Tenant.With("policy");

    public static readonly MetricDefinition State = new("gpuqos_sla_state", MetricType.Gauge, "SLA state of a policy for a tenant on a GPU: 1 for the current state, 0 for the others.", Sla.With("state"), "enforcer state machine");
    public static readonly MetricDefinition ObjectiveValue = new("gpuqos_sla_objective_value", MetricType.Gauge, "An objective's measured value over its window, in the objective's unit (share 0..1, bytes, a count, seconds of latency, or a rate per second).", Sla.With("objective"), "snapshot history, per objective window");
    public static readonly MetricDefinition ObjectiveTarget = new("gpuqos_sla_objective_target", MetricType.Gauge, "An objective's target, in the same unit as gpuqos_sla_objective_value.", Sla.With("objective"), "policy configuration");
    public static readonly MetricDefinition ObjectiveMetSeconds = new("gpuqos_sla_objective_met_seconds_total", MetricType.Counter, "Time an objective's value was known and within its target: the good time of its SLO, against gpuqos_sla_objective_violated_seconds_total (time unknown is in neither).", Sla.With("objective"), "enforcer, per evaluation");
    public static readonly MetricDefinition ObjectiveViolatedSeconds = new("gpuqos_sla_objective_violated_seconds_total", MetricType.Counter, "Time an objective was violated: the bad time its SLO burn-rate alerts measure against 1 - gpuqos_sla_compliance_target_ratio.", Sla.With("objective"), "enforcer, per evaluation");
    public static readonly MetricDefinition ComplianceTarget = new("gpuqos_sla_compliance_target_ratio", MetricType.Gauge, "The policy's SLO: the fraction of time it is to be out of breach on each GPU; 1 minus it is the error budget gpuqos_sla_breach_seconds_total spends.", ["tenant", "policy"], "policy configuration (slo)");
    public static readonly MetricDefinition Breaches = new("gpuqos_sla_breaches_total", MetricType.Counter, "Times the policy went from pending to breached.", Sla, "enforcer state machine");
    public static readonly MetricDefinition BreachSeconds = new("gpuqos_sla_breach_seconds_total", MetricType.Counter, "Time spent breached, enforcing or recovering.", Sla, "enforcer state machine");
    public static readonly MetricDefinition Actions = new("gpuqos_enforcement_actions_total", MetricType.Counter, "Enforcement actions by type, policy and result (applied, dry-run, refused, failed, reverted, revert-failed, recovered).", ["action", "policy", "result"], "enforcer action log");
    public static readonly MetricDefinition PolicyFailed = new("gpuqos_sla_policy_failed", MetricType.Gauge, "1 when the policy is disabled because it failed to build or to run; the others keep running.", ["policy"], "enforcer");
    public static readonly MetricDefinition JournalErrors = new("gpuqos_enforcement_journal_errors_total", MetricType.Counter, "Action journal writes that failed (disk full, file size limit, I/O error); while they fail no action is applied.", [], "enforcer action journal");
    public static readonly MetricDefinition ThrottleCap = new("gpuqos_enforcement_throttle_cap_ratio", MetricType.Gauge, "The share a throttle in force holds a tenant to (asked); tenant is the throttled tenant, policy the policy that throttles it.", Sla, "enforcer throttle planner");
    public static readonly MetricDefinition ThrottleDuty = new("gpuqos_enforcement_throttle_duty_ratio", MetricType.Gauge, "The duty cycle (fraction of each period its processes may run) a throttle in force applies to a tenant.", Sla, "enforcer throttle controller");
    public static readonly MetricDefinition ThrottleAchieved = new("gpuqos_enforcement_throttle_achieved_ratio", MetricType.Gauge, "The SM share a throttled tenant achieved in the latest cycle, next to gpuqos_enforcement_throttle_cap_ratio.", Sla, "snapshot, per throttled tenant");
    public static readonly MetricDefinition Paused = new("gpuqos_enforcement_paused", MetricType.Gauge, "1 while enforcement is paused (evaluated, not applied).", [], "enforcer");

    /// <inheritdoc />
    public IReadOnlyList<MetricDefinition> Metrics { get; } = [State, ObjectiveValue, ObjectiveTarget, ObjectiveMetSeconds, ObjectiveViolatedSeconds, ComplianceTarget, Breaches, BreachSeconds, Actions, PolicyFailed, Paused, JournalErrors, ThrottleCap, ThrottleDuty, ThrottleAchieved];

    /// <inheritdoc />
    public void WriteTo(IMetricWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        // From the view the enforcer published after its last change: never its lock, so a slow enforcement
        // step does not hold the exposition up.
        var states = SlaStateNames.All;
        foreach (var status in enforcer.Status())
        {
            var gpu = status.GpuLabel;
            for (var i = 0; i < states.Count; i++)
            {
                writer.Write(State, states[i] == status.State ? 1 : 0, gpu, status.Uuid, status.Tenant, status.Policy, states[i].Label());
            }

            var results = status.Objectives;
            for (var i = 0; i < results.Count; i++)
            {
                var o = results[i];
                if (o.Value is { } value)
                {
                    writer.Write(ObjectiveValue, value, gpu, status.Uuid, status.Tenant, status.Policy, o.Type);
                }

                writer.Write(ObjectiveTarget, o.Target, gpu, status.Uuid, status.Tenant, status.Policy, o.Type);
                if (i < status.ObjectiveSeconds.Count)
                {
                    writer.Write(ObjectiveMetSeconds, status.ObjectiveSeconds[i].Met, gpu, status.Uuid, status.Tenant, status.Policy, o.Type);
                    writer.Write(ObjectiveViolatedSeconds, status.ObjectiveSeconds[i].Violated, gpu, status.Uuid, status.Tenant, status.Policy, o.Type);
                }
            }

            writer.Write(Breaches, status.Breaches, gpu, status.Uuid, status.Tenant, status.Policy);
            writer.Write(BreachSeconds, status.BreachSeconds, gpu, status.Uuid, status.Tenant, status.Policy);
            foreach (var hold in status.Holds)
            {
                writer.Write(ThrottleCap, hold.Cap, gpu, status.Uuid, hold.Tenant, status.Policy);
                writer.Write(ThrottleDuty, hold.Duty, gpu, status.Uuid, hold.Tenant, status.Policy);
                if (hold.Achieved is { } achieved)
                {
                    writer.Write(ThrottleAchieved, achieved, gpu, status.Uuid, hold.Tenant, status.Policy);
                }
            }
        }

        foreach (var ((action, policy, result), count) in enforcer.ActionCounts())
        {
            writer.Write(Actions, count, action, policy, result);
        }

        var failed = enforcer.Failures().Select(f => f.Policy).ToHashSet(StringComparer.Ordinal);
        foreach (var policy in enforcer.PolicyNames)
        {
            writer.Write(PolicyFailed, failed.Contains(policy) ? 1 : 0, policy);
        }

        foreach (var (tenant, policy, slo) in enforcer.SloTargets())
        {
            writer.Write(ComplianceTarget, slo, tenant, policy);
        }

        writer.Write(Paused, enforcer.Paused ? 1 : 0);
        writer.Write(JournalErrors, enforcer.JournalWriteErrors);
    }
}
