using System.ComponentModel.DataAnnotations;

namespace GpuQos.Backends.Simulation;

/// <summary>Shapes of demand a simulated workload can have.</summary>
public enum DemandKind
{
    /// <summary>A constant level.</summary>
    Steady,

    /// <summary>Random bursts: each period is a burst with probability <c>duty</c>.</summary>
    Bursty,

    /// <summary>A square wave between level and peak.</summary>
    Periodic,

    /// <summary>A noisy neighbour: ramps from level to peak, holds, then calms down; repeats when a period is set.</summary>
    Ramp,
}

/// <summary>
/// A workload's demand for SM time as a fraction of the whole device (or of its MIG instance), over time.
/// Demand is a pure function of time and the seed, so the same seed gives the same demand at the same time.
/// </summary>
public sealed class DemandOptions : IValidatableObject
{
    public DemandKind Kind { get; init; } = DemandKind.Steady;

    /// <summary>Base level (0..1).</summary>
    [Range(0.0, 1.0)]
    public double Level { get; init; } = 0.3;

    /// <summary>Level during bursts, the high half of a periodic wave, or the top of a ramp (0..1).</summary>
    [Range(0.0, 1.0)]
    public double Peak { get; init; } = 1.0;

    /// <summary>Burst slot length, wave period, or ramp cycle (ramp repeats only when set).</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Fraction of slots that burst, or of the wave spent at peak.</summary>
    [Range(0.0, 1.0)]
    public double Duty { get; init; } = 0.3;

    /// <summary>Ramp: when it starts rising.</summary>
    public TimeSpan RampStart { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Ramp: how long it takes to reach peak.</summary>
    public TimeSpan RampDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Ramp: how long it holds the peak before calming down; forever when absent.</summary>
    public TimeSpan? Hold { get; init; }

    /// <summary>Relative random variation per second (0 = none).</summary>
    [Range(0.0, 0.5)]
    public double Jitter { get; init; } = 0.05;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Period <= TimeSpan.Zero)
        {
            yield return new ValidationResult("period must be positive", [nameof(Period)]);
        }

        if (Kind == DemandKind.Ramp && Hold is null && Period != TimeSpan.FromSeconds(10) && Period < RampStart + RampDuration)
        {
            yield return new ValidationResult("a repeating ramp needs period >= rampStart + rampDuration (+ hold)", [nameof(Period)]);
        }
    }
}
