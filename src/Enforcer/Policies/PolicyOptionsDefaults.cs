namespace GpuQos.Enforcer.Policies;

/// <summary>Defaults for <see cref="PolicyOptions"/> and its parts.</summary>
public static class PolicyOptionsDefaults
{
    /// <summary>Two percentage points: above the noise of a 1 s sample, well inside the ±5 pp users tolerate.</summary>
    public const double Hysteresis = 0.02;

    /// <summary>99% of the time out of breach: a budget of about 7 hours a month, 14 minutes a day.</summary>
    public const double Slo = 0.99;

    /// <summary>At most ten action sets per window.</summary>
    public const int MaxActions = 10;

    /// <summary>A tenant counts as having demand while its share is at least this (1%).</summary>
    public const double DemandThreshold = 0.01;

    /// <summary>Five seconds: long enough to ignore a single burst, short enough to act within a minute.</summary>
    public static readonly TimeSpan For = TimeSpan.FromSeconds(5);

    /// <summary>Thirty seconds between lifting actions and acting again.</summary>
    public static readonly TimeSpan Cooldown = TimeSpan.FromSeconds(30);

    /// <summary>The window <see cref="PolicyLimitsOptions.MaxActions"/> counts over.</summary>
    public static readonly TimeSpan ActionWindow = TimeSpan.FromMinutes(10);

    /// <summary>Objectives average over 3 s by default: three samples at the default interval.</summary>
    public static readonly TimeSpan ObjectiveWindow = TimeSpan.FromSeconds(3);

    /// <summary>The unit of a workload's latency metric unless the objective says otherwise (the Prometheus convention).</summary>
    public const string LatencyUnit = "seconds";

    /// <summary>The fewest requests in a latency objective's window for its quantile or mean to count.</summary>
    public const int MinSamples = 10;

    /// <summary>
    /// How sure a latency quantile's window must be that more requests were over the target than the quantile
    /// allows before it counts as violated (a one-sided binomial test; 0 acts on the estimate alone).
    /// </summary>
    public const double Confidence = 0.95;
}
