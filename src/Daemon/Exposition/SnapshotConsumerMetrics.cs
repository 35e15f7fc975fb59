using GpuQos.Model.Metrics;

namespace GpuQos.Daemon.Exposition;

/// <summary>
/// Each snapshot consumer's duration and errors (<see cref="Hosting.SnapshotConsumers"/>). A source apart from
/// the consumers themselves, since exposition is one of them.
/// </summary>
public sealed class SnapshotConsumerMetrics : IMetricSource
{
    /// <summary>How long each consumer took in the last cycle.</summary>
    public static readonly MetricDefinition Duration = new(
        "gpuqos_snapshot_consumer_duration_seconds", MetricType.Gauge,
        "How long the snapshot consumer took in the last collection cycle, on the collection thread (enforcement only hands the snapshot over there).",
        ["consumer"], "daemon");

    /// <summary>Cycles in which each consumer threw.</summary>
    public static readonly MetricDefinition Errors = new(
        "gpuqos_snapshot_consumer_errors_total", MetricType.Counter,
        "Collection cycles in which the snapshot consumer threw; the consumers after it still ran.",
        ["consumer"], "daemon");

    private readonly Lock _lock = new();

    // By consumer name, in the order they run, so the series keep one order.
    private readonly OrderedDictionary<string, (double Seconds, long Errors)> _consumers = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public IReadOnlyList<MetricDefinition> Metrics { get; } = [Duration, Errors];

    /// <summary>Starts the series of these consumers, at 0, in this order.</summary>
    public void Track(IEnumerable<string> consumers)
    {
        lock (_lock)
        {
            foreach (var name in consumers)
            {
                _consumers.TryAdd(name, (0, 0));
            }
        }
    }

    /// <summary>Records one cycle of a consumer: how long it took and whether it threw.</summary>
    public void Record(string consumer, TimeSpan duration, bool failed)
    {
        lock (_lock)
        {
            var errors = _consumers.GetValueOrDefault(consumer).Errors;
            _consumers[consumer] = (duration.TotalSeconds, failed ? errors + 1 : errors);
        }
    }

    /// <summary>Cycles in which the consumer threw (for tests and the log).</summary>
    public long ErrorsOf(string consumer)
    {
        lock (_lock)
        {
            return _consumers.GetValueOrDefault(consumer).Errors;
        }
    }

    /// <inheritdoc />
    public void WriteTo(IMetricWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        lock (_lock)
        {
            foreach (var (name, (seconds, errors)) in _consumers)
            {
                writer.Write(Duration, seconds, name);
                writer.Write(Errors, errors, name);
            }
        }
    }
}
