using System.ComponentModel.DataAnnotations;
using GpuQos.Collectors.Attribution;
using GpuQos.Enforcer.Policies;
using GpuQos.IsolationProbes.Audit;

namespace GpuQos.Daemon.Configuration;

/// <summary>The whole configuration file (<c>/etc/gpuqos/gpuqos.yaml</c>): settings, tenants and policies.</summary>
public sealed class GpuQosOptions : IValidatableObject
{
    /// <summary>Daemon settings.</summary>
    public SettingsOptions Settings { get; init; } = new();

    /// <summary>Tenants, in match order: the first tenant whose selector matches wins.</summary>
    public List<TenantOptions> Tenants { get; init; } = [];

    /// <summary>How processes are attributed to containers, pods and tenants.</summary>
    public AttributionOptions Attribution { get; init; } = new();

    /// <summary>SLA policies, each for one tenant.</summary>
    public List<PolicyOptions> Policies { get; init; } = [];

    /// <summary>Global enforcement settings (mode, limits).</summary>
    public EnforcementOptions Enforcement { get; init; } = new();

    /// <summary>Scheduled isolation audits.</summary>
    public AuditOptions Audit { get; init; } = new();

    /// <summary>HTTP security settings.</summary>
    public WebOptions Web { get; init; } = new();

    /// <summary>OpenTelemetry and dcgm-exporter compatibility.</summary>
    public ObservabilityOptions Observability { get; init; } = new();

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Tenants.Count; i++)
        {
            if (!seen.Add(Tenants[i].Name))
            {
                yield return new ValidationResult($"tenant '{Tenants[i].Name}' is defined twice", [$"tenants[{i}].name"]);
            }
        }

        foreach (var r in ValidatePolicyReferences(seen))
        {
            yield return r;
        }
    }

    /// <summary>Policies name tenants that exist, and each other uniquely.</summary>
    private IEnumerable<ValidationResult> ValidatePolicyReferences(HashSet<string> tenants)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Policies.Count; i++)
        {
            var p = Policies[i];
            if (!names.Add(p.Name))
            {
                yield return new ValidationResult($"policy '{p.Name}' is defined twice", [$"policies[{i}].name"]);
            }

            if (p.Tenant.Length > 0 && !tenants.Contains(p.Tenant))
            {
                yield return new ValidationResult($"tenant '{p.Tenant}' is not defined under tenants", [$"policies[{i}].tenant"]);
            }

            // A PromQL source needs a server to ask, which is set once for every policy.
            for (var j = 0; j < p.Objectives.Count; j++)
            {
                if (p.Objectives[j].ParsedSource?.Kind == Enforcer.Workload.WorkloadSource.Prometheus && Enforcement.WorkloadMetrics.Prometheus is null)
                {
                    yield return new ValidationResult("a prometheus: source needs enforcement.workloadMetrics.prometheus, the server to query", [$"policies[{i}].objectives[{j}].source"]);
                }
            }

            for (var j = 0; j < p.Actions.Count; j++)
            {
                foreach (var t in p.Actions[j].Tenants.Where(t => t.Length > 0 && !tenants.Contains(t)))
                {
                    yield return new ValidationResult($"tenant '{t}' is not defined under tenants", [$"policies[{i}].actions[{j}].tenants"]);
                }
            }
        }

        foreach (var t in Enforcement.Weights.Keys.Where(t => !tenants.Contains(t)))
        {
            yield return new ValidationResult($"tenant '{t}' is not defined under tenants", [$"enforcement.weights.{t}"]);
        }
    }
}
