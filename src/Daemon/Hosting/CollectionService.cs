using GpuQos.Collectors.Collection;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Options;

namespace GpuQos.Daemon.Hosting;

/// <summary>
/// The collection loop: once per interval it runs the collectors, publishes the snapshot, and hands it to the
/// ordered snapshot consumers (<see cref="SnapshotConsumers"/>: usage ledger, exposition, OpenTelemetry, tenant
/// catalogue, enforcement), all under the cycle's lock (<see cref="CollectionCycle"/>), which a scrape takes to write
/// the metric sources between two cycles. A cycle that throws is logged and the loop goes on.
/// </summary>
public sealed partial class CollectionService(
    CollectionPipeline pipeline,
    SnapshotStore store,
    SnapshotConsumers consumers,
    CollectionCycle cycle,
    IOptionsMonitor<Configuration.GpuQosOptions> options,
    TimeProvider time,
    ILogger<CollectionService> logger) : BackgroundService
{
    /// <summary>Unix time of the last cycle that completed; the watchdog and <c>/readyz</c> read it.</summary>
    public DateTimeOffset? LastCycle { get; private set; }

    /// <summary>Runs one cycle now (used by the loop and by tests).</summary>
    public void RunCycle()
    {
        HostSnapshot snapshot;
        lock (cycle.Lock)
        {
            snapshot = pipeline.Collect();
            store.Publish(snapshot);
            consumers.Deliver(snapshot);
        }

        LastCycle = snapshot.Timestamp;
        foreach (var failed in snapshot.Collectors.Where(c => !c.Success))
        {
            LogCollectorFailed(failed.Name, failed.Error ?? "");
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.CurrentValue.Settings.Interval;
        LogStarted(interval.TotalSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = time.GetTimestamp();
            try
            {
                RunCycle();
            }
            catch (Exception ex)
            {
                LogCycleFailed(ex);
            }

            // Keep a steady cadence: wait out what is left of the interval.
            var remaining = interval - time.GetElapsedTime(started);
            try
            {
                await Task.Delay(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            interval = options.CurrentValue.Settings.Interval;
        }
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Collecting every {IntervalSeconds} s")]
    private partial void LogStarted(double intervalSeconds);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Collector {Collector} failed: {Error}")]
    private partial void LogCollectorFailed(string collector, string error);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Collection cycle failed")]
    private partial void LogCycleFailed(Exception exception);
}
