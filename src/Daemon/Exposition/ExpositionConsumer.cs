using GpuQos.Model.Snapshots;

namespace GpuQos.Daemon.Exposition;

/// <summary>
/// The gate between the collection loop and <c>/metrics</c>. The loop delivers every snapshot here, but the metric
/// sources are written into the exposition only when a scrape asks for it (<see cref="Refresh"/>, called by
/// <see cref="ScrapeRenders"/>), once per snapshot however many scrapes ask: a host scraped every 15 s no longer
/// writes 16,000 samples every second for nobody. The first snapshot is written at once, so <c>/readyz</c> and the
/// first scrape need not wait for it. A source that throws keeps its previous series
/// (<see cref="PrometheusExporter.Update"/>); each outage is logged when it starts and when it ends, not every time.
/// </summary>
/// <remarks>
/// A scrape writes the sources under the collection cycle's lock (<see cref="CollectionCycle"/>), so they read the
/// state the loop and its consumers keep between two cycles, exactly as when the loop wrote them itself. A scrape
/// that finds the exposition current writes nothing and takes no lock.
/// </remarks>
public sealed partial class ExpositionConsumer(PrometheusExporter exporter, CollectionCycle cycle, ILogger<ExpositionConsumer> logger) : ISnapshotConsumer
{
    // Metric sources failing now; touched only under the cycle's lock.
    private readonly HashSet<string> _failingSources = new(StringComparer.Ordinal);

    // Snapshots delivered, and which of them the exposition holds.
    private long _delivered;
    private long _written;

    /// <inheritdoc />
    public string Name => "exposition";

    /// <summary>How many times the sources were written into the exposition (for tests: scrapes of one snapshot share one).</summary>
    public long Writes { get; private set; }

    /// <inheritdoc />
    public void Consume(HostSnapshot snapshot)
    {
        var delivered = Interlocked.Increment(ref _delivered);
        if (exporter.UpdatesCompleted == 0)
        {
            Write(delivered);
        }
    }

    /// <summary>
    /// Brings the exposition up to the latest delivered snapshot, unless it is there already: called before every
    /// render. Waits for a cycle in progress to finish, then writes the sources under the cycle's lock.
    /// </summary>
    public void Refresh()
    {
        if (Volatile.Read(ref _written) == Volatile.Read(ref _delivered))
        {
            return;
        }

        lock (cycle.Lock)
        {
            var delivered = Volatile.Read(ref _delivered);
            if (_written != delivered)
            {
                Write(delivered);
            }
        }
    }

    private void Write(long delivered)
    {
        ReportSourceFailures(exporter.Update());
        Writes++;
        Volatile.Write(ref _written, delivered);
    }

    private void ReportSourceFailures(IReadOnlyList<SourceFailure> failures)
    {
        foreach (var failure in failures)
        {
            if (_failingSources.Add(failure.Source))
            {
                LogSourceFailed(failure.Error, failure.Source);
            }
        }

        // A source fails at most once a cycle, so more failing sources than failures means some recovered.
        if (_failingSources.Count > failures.Count)
        {
            _failingSources.RemoveWhere(source =>
            {
                if (failures.Any(f => f.Source == source))
                {
                    return false;
                }

                LogSourceRecovered(source);
                return true;
            });
        }
    }

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Metric source {Source} failed; its series keep their last values, the others are current (gpuqos_exposition_source_errors_total). Logged once until it recovers")]
    private partial void LogSourceFailed(Exception exception, string source);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Metric source {Source} writes its series again")]
    private partial void LogSourceRecovered(string source);
}
