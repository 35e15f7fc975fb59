using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace GpuQos.IsolationProbes.Audit;

/// <summary>A daily window (UTC) in which scheduled audits may start, e.g. 01:00–05:00. It may wrap midnight.</summary>
public sealed class AuditWindowOptions : IValidatableObject
{
    /// <summary>Start, <c>HH:mm</c> UTC.</summary>
    [Required]
    public string Start { get; init; } = "";

    /// <summary>End, <c>HH:mm</c> UTC (exclusive).</summary>
    [Required]
    public string End { get; init; } = "";

    /// <summary>True when <paramref name="now"/> falls inside the window.</summary>
    public bool Contains(DateTimeOffset now)
    {
        var t = TimeOnly.FromTimeSpan(now.UtcDateTime.TimeOfDay);
        var start = TimeOnly.ParseExact(Start, "HH:mm", CultureInfo.InvariantCulture);
        var end = TimeOnly.ParseExact(End, "HH:mm", CultureInfo.InvariantCulture);
        return start <= end ? t >= start && t < end : t >= start || t < end;
    }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!TimeOnly.TryParseExact(Start, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            yield return new ValidationResult($"'{Start}' is not a time of day HH:mm (UTC)", [nameof(Start)]);
        }

        if (!TimeOnly.TryParseExact(End, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            yield return new ValidationResult($"'{End}' is not a time of day HH:mm (UTC)", [nameof(End)]);
        }
    }
}
