namespace GpuQos.Advisor.Evidence;

/// <summary>A tenant's SLA history on one GPU over <see cref="Window"/>.</summary>
/// <param name="Objectives">How many SLA objectives the tenant has on the GPU.</param>
/// <param name="Breaches">Breaches counted in the window.</param>
/// <param name="BreachSeconds">Seconds spent breached in the window.</param>
/// <param name="ThrottleActions">Enforcement actions taken for the tenant's policies in the window (null when unknown).</param>
/// <param name="Window">The span the counters cover.</param>
public sealed record SlaEvidence(int Objectives, double Breaches, double BreachSeconds, double? ThrottleActions, TimeSpan Window)
{
    /// <summary>Breaches per day, scaled from the window.</summary>
    public double BreachesPerDay => Window <= TimeSpan.Zero ? 0 : Breaches * TimeSpan.FromDays(1) / Window;

    /// <summary>Fraction of the window spent breached (0..1).</summary>
    public double BreachFraction => Window <= TimeSpan.Zero ? 0 : Math.Clamp(BreachSeconds / Window.TotalSeconds, 0, 1);
}
