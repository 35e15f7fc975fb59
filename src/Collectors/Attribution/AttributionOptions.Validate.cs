using System.ComponentModel.DataAnnotations;

namespace GpuQos.Collectors.Attribution;

public sealed partial class AttributionOptions : IValidatableObject
{
    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Refresh < TimeSpan.FromMilliseconds(100) || Refresh > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult("refresh must be between 100ms and 1h", [nameof(Refresh)]);
        }

        if (PodResourcesTimeout <= TimeSpan.Zero || PodResourcesTimeout > TimeSpan.FromMinutes(1))
        {
            yield return new ValidationResult("podResourcesTimeout must be above 0 and at most 1m", [nameof(PodResourcesTimeout)]);
        }

        if (ProcfsRoot.Length == 0)
        {
            yield return new ValidationResult("procfsRoot must name a directory, e.g. /proc", [nameof(ProcfsRoot)]);
        }
    }
}
