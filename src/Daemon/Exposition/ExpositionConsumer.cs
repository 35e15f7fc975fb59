using GpuQos.Model.Snapshots;

namespace GpuQos.Daemon.Exposition;

/// <summary>
/// The first snapshot consumer: renders the metric sources into <c>/metrics</c> for the snapshot just published.
/// A source that throws keeps its previous series (<see cref="PrometheusExporter.Update"/>); each outage is
/// logged when it starts and when it ends, not every cycle.
/// </summary>
public sealed partial class ExpositionConsumer(PrometheusExporter exporter, ILogger<ExpositionConsumer> logger) : ISnapshotConsumer
{
    // Metric sources failing now.
    private readonly HashSet<string> _failingSources = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public string Name => "exposition";

    /// <inheritdoc />
    public void Consume(HostSnapshot snapshot) => ReportSourceFailures(exporter.Update());

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
