using GpuQos.IsolationProbes.Scheduling;
using GpuQos.Model.Snapshots;

namespace GpuQos.Daemon.Hosting;

/// <summary>
/// Starts scheduled isolation audits: on the configured interval or cron expression, and only when the
/// window and idle gates allow; otherwise it asks again a minute later.
/// </summary>
internal sealed partial class AuditSchedulerService(
    AuditRunner runner, AuditSchedule schedule, SnapshotStore store, TimeProvider time, ILogger<AuditSchedulerService> logger) : BackgroundService
{
    /// <summary>When the next audit is due, or null when none is scheduled.</summary>
    public DateTimeOffset? NextDue { get; private set; }

    /// <summary>Why the last due audit was postponed, or null.</summary>
    public string? Postponed { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        NextDue = schedule.NextDue(time.GetUtcNow());
        if (NextDue is null)
        {
            return;
        }

        LogScheduled(NextDue.Value);
        while (!stoppingToken.IsCancellationRequested && NextDue is { } due)
        {
            var wait = due - time.GetUtcNow();
            try
            {
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var now = time.GetUtcNow();
            Postponed = schedule.Gate(now, store.Latest);
            if (Postponed is not null)
            {
                LogPostponed(Postponed);
                NextDue = now + AuditSchedule.Postpone;
                continue;
            }

            try
            {
                await runner.RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            NextDue = schedule.NextDue(time.GetUtcNow());
        }
    }

    [LoggerMessage(EventId = 6010, Level = LogLevel.Information, Message = "Next isolation audit at {Due:u}")]
    private partial void LogScheduled(DateTimeOffset due);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Information, Message = "Isolation audit postponed: {Reason}")]
    private partial void LogPostponed(string reason);
}
