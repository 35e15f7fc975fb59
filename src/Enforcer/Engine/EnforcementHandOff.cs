using GpuQos.Model.Snapshots;
using GpuQos.Model.Metrics;
using System.Threading.Channels;

namespace GpuQos.Enforcer.Engine;

/// <summary>
/// The enforcement snapshot consumer. On the collection thread it only hands the snapshot, with the history the
/// policies in force evaluate over, to the enforcement loop (<see cref="EnforcementService"/>) through a channel
/// that holds one: when the loop is still busy (a slow fsync, an NVML control call, a signal), the older waiting
/// snapshot is dropped and counted, so enforcement works on the latest and never delays the next collection or
/// a scrape.
/// </summary>
public sealed class EnforcementHandOff : ISnapshotConsumer, IMetricSource
{
    /// <summary>Snapshots replaced by a newer one before the enforcement loop took them.</summary>
    public static readonly MetricDefinition Dropped = new(
        "gpuqos_enforcement_snapshots_dropped_total", MetricType.Counter,
        "Snapshots the enforcement loop skipped because it was still busy with an earlier one (a slow journal fsync or control call); it evaluates the latest.",
        [], "enforcer");

    /// <summary>The timestamp of the snapshot the enforcer evaluated last.</summary>
    public static readonly MetricDefinition Evaluated = new(
        "gpuqos_enforcement_last_evaluation_timestamp_seconds", MetricType.Gauge,
        "Unix time of the snapshot the enforcer evaluated last; behind gpuqos_last_collection_timestamp_seconds while an enforcement step is slow.",
        [], "enforcer");

    private readonly SlaEnforcer _enforcer;
    private readonly SnapshotStore _store;
    private readonly Channel<EvaluationRequest> _channel;
    private long _dropped;
    private long _evaluatedMilliseconds = -1;

    /// <param name="enforcer">Whose history window the hand-off reads.</param>
    /// <param name="store">The history the snapshot is evaluated over; the hand-off sizes it to the enforcer's longest window.</param>
    public EnforcementHandOff(SlaEnforcer enforcer, SnapshotStore store)
    {
        _enforcer = enforcer;
        _store = store;
        _store.Retain(enforcer.HistoryWindow);
        _channel = Channel.CreateBounded<EvaluationRequest>(
            new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <inheritdoc />
    public string Name => "enforcement";

    /// <summary>Snapshots dropped so far.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>The timestamp of the snapshot the enforcer evaluated last; null before the first.</summary>
    public DateTimeOffset? LastEvaluated => Interlocked.Read(ref _evaluatedMilliseconds) is var ms and >= 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    /// <inheritdoc />
    public IReadOnlyList<MetricDefinition> Metrics { get; } = [Dropped, Evaluated];

    /// <inheritdoc />
    public void Consume(HostSnapshot snapshot)
    {
        // The store keeps what the policies in force read and no more: after a reload to a longer window it keeps
        // more from now on, after one to a shorter window it frees the rest at once. The window is taken now,
        // while the store's latest is this snapshot: the history ends with it.
        var window = _enforcer.HistoryWindow;
        _store.Retain(window);
        _channel.Writer.TryWrite(new EvaluationRequest(snapshot, _store.Window(window)));
    }

    /// <summary>The snapshots to evaluate, latest first when the loop fell behind; ends after <see cref="Complete"/>.</summary>
    public IAsyncEnumerable<EvaluationRequest> ReadAllAsync(CancellationToken cancellationToken) => _channel.Reader.ReadAllAsync(cancellationToken);

    /// <summary>Takes no more snapshots; the loop ends once it has evaluated the one waiting.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>Notes that the enforcer evaluated the snapshot of <paramref name="timestamp"/>.</summary>
    public void NoteEvaluated(DateTimeOffset timestamp) => Interlocked.Exchange(ref _evaluatedMilliseconds, timestamp.ToUnixTimeMilliseconds());

    /// <inheritdoc />
    public void WriteTo(IMetricWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Dropped, DroppedCount);
        if (LastEvaluated is { } evaluated)
        {
            writer.Write(Evaluated, evaluated.ToUnixTimeMilliseconds() / 1000.0);
        }
    }
}
