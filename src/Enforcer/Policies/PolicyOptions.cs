using System.ComponentModel.DataAnnotations;

namespace GpuQos.Enforcer.Policies;

/// <summary>
/// A named SLA policy for one tenant, shaped like a rule: objectives (the trigger), limits (<c>for</c>,
/// hysteresis, cooldown, actions per window), then the actions, applied in order.
/// </summary>
public sealed partial class PolicyOptions
{
    /// <summary>Policy name, used as the <c>policy</c> label.</summary>
    [Required]
    [RegularExpression("^[a-z0-9]([a-z0-9_.-]{0,62}[a-z0-9])?$", ErrorMessage = "name must be 1-64 lowercase letters, digits, '.', '_' or '-', starting and ending with a letter or digit")]
    public string Name { get; init; } = "";

    /// <summary>The tenant the policy protects or limits; must name a configured tenant.</summary>
    [Required]
    public string Tenant { get; init; } = "";

    /// <summary>GPU indices the policy applies to; every GPU the tenant uses when empty.</summary>
    public List<int> Gpus { get; init; } = [];

    /// <summary>Overrides <c>enforcement.mode</c> for this policy.</summary>
    public EnforcementMode? Mode { get; init; }

    /// <summary>The objectives; the policy is breached when any of them is.</summary>
    public List<ObjectiveOptions> Objectives { get; init; } = [];

    /// <summary>How long an objective must be violated before the policy counts as breached.</summary>
    public TimeSpan For { get; init; } = PolicyOptionsDefaults.For;

    /// <summary>
    /// Margin, in the objective's unit (a share of 0..1 for SM objectives), by which a value must be back
    /// inside its target before a breach counts as over. Keeps a value that hovers at the target from flapping.
    /// </summary>
    [Range(0.0, double.MaxValue)]
    public double Hysteresis { get; init; } = PolicyOptionsDefaults.Hysteresis;

    /// <summary>
    /// The service-level objective: the fraction of time (strictly between 0 and 1) the policy is to be out
    /// of breach on each GPU. Enforcement does not read it; it is exposed as
    /// <c>gpuqos_sla_compliance_target_ratio</c> so that burn-rate alerts measure
    /// <c>gpuqos_sla_breach_seconds_total</c> against the error budget <c>1 - slo</c>.
    /// </summary>
    public double Slo { get; init; } = PolicyOptionsDefaults.Slo;

    /// <summary>After the actions are lifted, how long before the policy may act again.</summary>
    public TimeSpan Cooldown { get; init; } = PolicyOptionsDefaults.Cooldown;

    /// <summary>Limits on how often the policy acts.</summary>
    public PolicyLimitsOptions Limits { get; init; } = new();

    /// <summary>Actions, applied in order when the policy is breached and lifted in reverse order.</summary>
    public List<ActionOptions> Actions { get; init; } = [];
}
