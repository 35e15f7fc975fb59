using System.ComponentModel.DataAnnotations;

namespace GpuQos.Daemon.Reports;

public sealed partial class PriceListOptions : IValidatableObject
{
    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Prices.Count == 0)
        {
            yield return new ValidationResult("prices must name at least one GPU model, e.g. \"NVIDIA H100 80GB HBM3\": 2.5", [nameof(Prices)]);
        }

        foreach (var (model, price) in Prices)
        {
            if (!double.IsFinite(price) || price < 0)
            {
                yield return new ValidationResult($"prices.{model} must be a price of 0 or more per GPU-hour, got {price}", [nameof(Prices)]);
            }
        }
    }
}
