using System.ComponentModel.DataAnnotations;

namespace GpuQos.Collectors.Attribution;

/// <summary>A named tenant and the selectors that claim processes and partitions for it. The first tenant whose selector matches wins.</summary>
public sealed class TenantOptions : IValidatableObject
{
    /// <summary>Tenant name, used as the <c>tenant</c> label.</summary>
    [Required]
    [RegularExpression("^[a-z0-9]([a-z0-9_.-]{0,62}[a-z0-9])?$", ErrorMessage = "name must be 1-64 lowercase letters, digits, '.', '_' or '-', starting and ending with a letter or digit")]
    public string Name { get; init; } = "";

    /// <summary>Selectors; a process or partition belongs to the tenant when any selector matches it.</summary>
    public List<TenantSelectorOptions> Match { get; init; } = [];

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Match.Count == 0)
        {
            yield return new ValidationResult("a tenant needs at least one selector under match", [nameof(Match)]);
        }
    }
}

/// <summary>
/// One selector. Every field that is set must match (AND); patterns are globs with <c>*</c> and <c>?</c>.
/// </summary>
public sealed class TenantSelectorOptions : IValidatableObject
{
    /// <summary>Kubernetes namespace (glob).</summary>
    public string? Namespace { get; init; }

    /// <summary>Pod name (glob).</summary>
    public string? Pod { get; init; }

    /// <summary>Container name (glob).</summary>
    public string? Container { get; init; }

    /// <summary>cgroup path (glob), as in <c>/proc/PID/cgroup</c>.</summary>
    public string? Cgroup { get; init; }

    /// <summary>MIG device UUID (glob), claiming the whole instance and what runs in it.</summary>
    public string? MigUuid { get; init; }

    /// <summary>vGPU VM ID (glob), claiming the VM's vGPU instance.</summary>
    public string? Vm { get; init; }

    /// <summary>Unix user name (glob).</summary>
    public string? User { get; init; }

    /// <summary>Process name (<c>comm</c>, glob).</summary>
    public string? Process { get; init; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Namespace is null && Pod is null && Container is null && Cgroup is null && MigUuid is null && Vm is null && User is null && Process is null)
        {
            yield return new ValidationResult("a selector must set at least one of namespace, pod, container, cgroup, migUuid, vm, user, process");
        }
    }
}
