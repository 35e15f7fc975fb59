using GpuQos.Advisor.Advice;
using GpuQos.Advisor.Candidates;
using GpuQos.Advisor.Evidence;
using GpuQos.Advisor.History;
using GpuQos.Advisor.Readers;
using GpuQos.Advisor.Scoring;
using GpuQos.Model.Metrics;
using GpuQos.Model.Snapshots;

using Microsoft.Extensions.Logging;

namespace GpuQos.Advisor.Exposition;

/// <summary>
/// The daemon's own advice over its in-memory history (per-minute summaries, <see cref="DemandHistory"/>, and the
/// latest snapshot), recomputed at most every <see cref="Refresh"/> so that the per-cycle metric render stays
/// cheap. A failure is logged and leaves the previous advice in place.
/// </summary>
public sealed partial class LiveAdvice(
    SnapshotStore store,
    DemandHistory history,
    TimeProvider time,
    AdvisorOptions options,
    Func<IEnumerable<IMetricSource>> sources,
    ILogger<LiveAdvice> logger)
{
    /// <summary>
    /// How long an advice stands before it is recomputed: a minute, the step at which its evidence (the per-minute
    /// summaries) moves. At 30 s, half the recomputes repeated the same advice over a minute that had barely moved,
    /// and the advice was 9% of a scale host's CPU at one scrape every 15 s (docs/performance.md).
    /// </summary>
    public static readonly TimeSpan Refresh = TimeSpan.FromMinutes(1);

    private readonly DateTimeOffset _started = time.GetUtcNow();
    private readonly Lock _lock = new();
    private readonly MigGeometryMemo _geometries = new();
    private (DateTimeOffset At, AdvisorEvidence Evidence, HostAdvice Advice)? _latest;
    private DateTimeOffset _lastAttempt = DateTimeOffset.MinValue;

    /// <summary>Evidence from the history now (for <c>/api/v1/advice/evidence</c>).</summary>
    public AdvisorEvidence Evidence(IMetricSource? skip = null)
    {
        var capture = new MetricCapture(SnapshotEvidenceBuilder.CapturedFamilies).From(sources(), skip);
        return SnapshotEvidenceBuilder.Build(Environment.MachineName, store.Latest, history.Figures(), capture, time.GetUtcNow() - _started);
    }

    /// <summary>The latest advice, recomputed when older than <see cref="Refresh"/>; null before the first success.</summary>
    public HostAdvice? Current(IMetricSource? skip = null)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            // Before the summaries hold a cycle there is nothing to advise on, and an empty advice must not stand
            // for a whole refresh: /metrics renders before the summaries take the daemon's first snapshot.
            if (now - _lastAttempt < Refresh || history.Minutes == 0)
            {
                return _latest?.Advice;
            }

            _lastAttempt = now;
            try
            {
                var evidence = Evidence(skip);
                _latest = (now, evidence, new SharingAdvisor(options, _geometries).Advise(evidence));
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or KeyNotFoundException or ArithmeticException)
            {
                LogAdviceFailed(ex);
            }

            return _latest?.Advice;
        }
    }

    [LoggerMessage(EventId = 6000, Level = LogLevel.Warning, Message = "Computing the advice failed; the previous advice stands until the next try")]
    private partial void LogAdviceFailed(Exception exception);
}
