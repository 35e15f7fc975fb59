using System.ComponentModel.DataAnnotations;

namespace GpuQos.Enforcer.Policies;

public sealed partial class EnforcementOptions : IValidatableObject
{
    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ThrottlePeriod < TimeSpan.FromMilliseconds(10) || ThrottlePeriod > TimeSpan.FromSeconds(10))
        {
            yield return new ValidationResult("throttlePeriod must be between 10ms and 10s", [nameof(ThrottlePeriod)]);
        }

        if (Journal is not null && string.IsNullOrWhiteSpace(Journal))
        {
            yield return new ValidationResult("journal must name a file", [nameof(Journal)]);
        }

        foreach (var (tenant, weight) in Weights)
        {
            if (!(weight > 0) || weight > 1000)
            {
                yield return new ValidationResult($"weight of tenant '{tenant}' must be in (0, 1000]", [$"weights.{tenant}"]);
            }
        }
    }
}
