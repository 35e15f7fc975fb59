using System.ComponentModel.DataAnnotations;

namespace GpuQos.Backends.Simulation.Services;

/// <summary>
/// A simulated workload that serves requests: they arrive at <see cref="Rate"/> and queue for the share of the GPU the
/// workload gets (an M/M/1 queue whose service rate is the share over <see cref="ServiceTime"/>), and the workload serves
/// their latency histogram in Prometheus text on a loopback port of its own, as a real inference server does.
/// </summary>
public sealed class SimLatencyOptions : IValidatableObject
{
    /// <summary>Requests a second that arrive.</summary>
    [Range(0.001, 1_000_000.0, ErrorMessage = "rate must be a positive number of requests a second")]
    public double Rate { get; init; } = SimLatencyOptionsDefaults.Rate;

    /// <summary>The GPU time one request takes with the whole device to itself; at share s it is served at s / serviceTime a second.</summary>
    public TimeSpan ServiceTime { get; init; } = SimLatencyOptionsDefaults.ServiceTime;

    /// <summary>The histogram's name (<c>_bucket</c>, <c>_sum</c> and <c>_count</c> are served).</summary>
    public string Metric { get; init; } = SimLatencyOptionsDefaults.Metric;

    /// <summary>The loopback TCP port the metrics are served on; 0 (the default) takes a free one, so hosts can run side by side.</summary>
    [Range(0, 65535, ErrorMessage = "port must be 0 (any free port) or 1-65535")]
    public int Port { get; init; } = SimLatencyOptionsDefaults.Port;

    /// <summary>Relative variation of the arrivals from one second to the next, from the scenario's seed (0 = none).</summary>
    [Range(0.0, 0.5, ErrorMessage = "noise must be between 0 and 0.5")]
    public double Noise { get; init; } = SimLatencyOptionsDefaults.Noise;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ServiceTime <= TimeSpan.Zero || ServiceTime > TimeSpan.FromSeconds(10))
        {
            yield return new ValidationResult($"serviceTime must be positive and at most 10s, got {ServiceTime}", [nameof(ServiceTime)]);
        }

        if (!IsMetricName(Metric))
        {
            yield return new ValidationResult($"metric '{Metric}' is not a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)", [nameof(Metric)]);
        }
    }

    private static bool IsMetricName(string name) =>
        name.Length > 0
        && (char.IsAsciiLetter(name[0]) || name[0] is '_' or ':')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':');
}
