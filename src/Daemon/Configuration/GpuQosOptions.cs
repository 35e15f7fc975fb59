using System.ComponentModel.DataAnnotations;
using GpuQos.Collectors.Attribution;

namespace GpuQos.Daemon.Configuration;

/// <summary>The whole configuration file (<c>/etc/gpuqos/gpuqos.yaml</c>): settings, tenants and policies.</summary>
public sealed class GpuQosOptions : IValidatableObject
{
    /// <summary>Daemon settings.</summary>
    public SettingsOptions Settings { get; init; } = new();

    /// <summary>Tenants, in match order: the first tenant whose selector matches wins.</summary>
    public List<TenantOptions> Tenants { get; init; } = [];

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
