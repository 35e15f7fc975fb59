using System.ComponentModel.DataAnnotations;

namespace GpuQos.Enforcer.Policies;

public sealed partial class WorkloadMetricsOptions : IValidatableObject
{
    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(1))
        {
            yield return new ValidationResult($"timeout must be between 0 and 1m, got {Timeout}", [nameof(Timeout)]);
        }

        if (MaxBytes is < 1024 or > 256L * 1024 * 1024)
        {
            yield return new ValidationResult($"maxBytes must be between 1KiB and 256MiB, got {MaxBytes}", [nameof(MaxBytes)]);
        }

        if (Prometheus is not null && (!Uri.TryCreate(Prometheus, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult($"prometheus must be an absolute http or https URL, got '{Prometheus}'", [nameof(Prometheus)]);
        }
    }
}
