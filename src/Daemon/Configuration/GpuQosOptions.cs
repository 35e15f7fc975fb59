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
    }
}
