using System.ComponentModel.DataAnnotations;

namespace GpuQos.Enforcer.Policies;

/// <summary>How often a policy may act (per tenant and GPU).</summary>
public sealed class PolicyLimitsOptions : IValidatableObject
{
    /// <summary>Most action sets applied within <see cref="Window"/>.</summary>
    [Range(1, 10_000)]
    public int MaxActions { get; init; } = PolicyOptionsDefaults.MaxActions;

    /// <summary>The sliding window <see cref="MaxActions"/> counts over.</summary>
    public TimeSpan Window { get; init; } = PolicyOptionsDefaults.ActionWindow;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Window <= TimeSpan.Zero)
        {
            yield return new ValidationResult("window must be positive", [nameof(Window)]);
        }
    }
}
