using GpuQos.Model.Snapshots;
using GpuQos.Daemon.Exposition;

namespace GpuQos.Daemon.Hosting;

/// <summary>
/// The ordered list of <see cref="ISnapshotConsumer"/>s the collection loop hands each snapshot to, in the
/// order <see cref="SnapshotConsumerRegistration"/> declares them. Each consumer is timed, and one that throws
/// is counted and logged (once per outage) while the consumers after it still run: a failing stage costs only
/// itself.
/// </summary>
public sealed partial class SnapshotConsumers
{
    private readonly ISnapshotConsumer[] _consumers;
    private readonly bool[] _failing;
    private readonly SnapshotConsumerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<SnapshotConsumers> _logger;

    /// <param name="consumers">The consumers, in the order they run; names are unique.</param>
    /// <param name="metrics">Where each consumer's duration and errors go.</param>
    /// <param name="time">The clock that times them.</param>
    /// <param name="logger">Where a failing consumer is logged.</param>
    public SnapshotConsumers(IEnumerable<ISnapshotConsumer> consumers, SnapshotConsumerMetrics metrics, TimeProvider time, ILogger<SnapshotConsumers> logger)
    {
        _consumers = consumers.ToArray();
        var names = _consumers.Select(c => c.Name).ToList();
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            throw new ArgumentException("snapshot consumer names must be unique: " + string.Join(", ", names), nameof(consumers));
        }

        _failing = new bool[_consumers.Length];
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _metrics.Track(names);
    }

    /// <summary>The consumers' names, in the order they run.</summary>
    public IReadOnlyList<string> Names => [.. _consumers.Select(c => c.Name)];

    /// <summary>Hands the snapshot to every consumer in order; one that throws does not stop the others.</summary>
    public void Deliver(HostSnapshot snapshot)
    {
        for (var i = 0; i < _consumers.Length; i++)
        {
            var consumer = _consumers[i];
            var started = _time.GetTimestamp();
            var failed = false;
            try
            {
                consumer.Consume(snapshot);
                if (_failing[i])
                {
                    _failing[i] = false;
                    LogRecovered(consumer.Name);
                }
            }
            catch (Exception ex)
            {
                failed = true;
                if (!_failing[i])
                {
                    _failing[i] = true;
                    LogFailed(ex, consumer.Name);
                }
            }

            _metrics.Record(consumer.Name, _time.GetElapsedTime(started), failed);
        }
    }

    [LoggerMessage(EventId = 1005, Level = LogLevel.Error, Message = "Snapshot consumer {Consumer} failed; the others ran (gpuqos_snapshot_consumer_errors_total). Logged once until it recovers")]
    private partial void LogFailed(Exception exception, string consumer);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Snapshot consumer {Consumer} runs again")]
    private partial void LogRecovered(string consumer);
}
