using GpuQos.Collectors.Collection;
using GpuQos.Daemon.Exposition;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Options;

namespace GpuQos.Daemon.Hosting;

/// <summary>
/// The collection loop: once per interval it runs the collectors, publishes the snapshot, and renders the
/// metrics. A cycle that throws is logged and the loop goes on.
/// </summary>
public sealed partial class CollectionService(
    CollectionPipeline pipeline,
    SnapshotStore store,
    PrometheusExporter exporter,
    IOptionsMonitor<Configuration.GpuQosOptions> options,
    TimeProvider time,
    ILogger<CollectionService> logger) : BackgroundService
{
    /// <summary>Unix time of the last cycle that completed; the watchdog and <c>/readyz</c> read it.</summary>
    public DateTimeOffset? LastCycle { get; private set; }

    // Metric sources failing now: each outage is logged when it starts and when it ends, not every cycle.
    private readonly HashSet<string> _failingSources = new(StringComparer.Ordinal);

    /// <summary>Runs one cycle now (used by the loop and by tests).</summary>
    public void RunCycle()
    {
        var snapshot = pipeline.Collect();
        store.Publish(snapshot);
        ReportSourceFailures(exporter.Update());
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

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Collecting every {IntervalSeconds} s")]
    private partial void LogStarted(double intervalSeconds);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Collector {Collector} failed: {Error}")]
    private partial void LogCollectorFailed(string collector, string error);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Collection cycle failed")]
    private partial void LogCycleFailed(Exception exception);
}
