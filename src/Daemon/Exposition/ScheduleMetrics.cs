using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Hosting;
using GpuQos.IsolationProbes.Audit;
using GpuQos.IsolationProbes.Scheduling;
using GpuQos.Model.Metrics;
using Microsoft.Extensions.Options;

namespace GpuQos.Daemon.Exposition;

/// <summary>
/// The schedules in force and when the daemon started, so that alert rules measure staleness against the
/// configuration (a collection interval of 30 s, a weekly audit) rather than against numbers fixed in the rules.
/// </summary>
public sealed class ScheduleMetrics(IOptionsMonitor<GpuQosOptions> options, RunRequest request, TimeProvider time) : IMetricSource
{
    // Cron gaps vary (a weekday-only schedule skips the weekend): the longest of the next few is the period.
    private const int CronGapsConsidered = 8;

    public static readonly MetricDefinition Interval = new("gpuqos_collection_interval_seconds", MetricType.Gauge, "The configured collection interval (settings.interval).", [], "configuration");
    public static readonly MetricDefinition AuditPeriod = new("gpuqos_audit_schedule_period_seconds", MetricType.Gauge, "How often scheduled audits are due: audit.interval, or the longest gap between the cron expression's next times; absent when audits are not scheduled.", [], "configuration");
    public static readonly MetricDefinition StartTime = new("gpuqos_start_time_seconds", MetricType.Gauge, "Unix time the daemon started.", [], "daemon");

    private readonly double _started = time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
    private readonly double? _auditPeriod = Period(request.Options.Audit, time.GetUtcNow());

    public IReadOnlyList<MetricDefinition> Metrics { get; } = [Interval, AuditPeriod, StartTime];

    public void WriteTo(IMetricWriter writer)
    {
        writer.Write(Interval, options.CurrentValue.Settings.Interval.TotalSeconds);
        if (_auditPeriod is { } period)
        {
            writer.Write(AuditPeriod, period);
        }

        writer.Write(StartTime, _started);
    }

    /// <summary>
    /// The audit period in seconds, or null when audits are not scheduled. The scheduler reads the options
    /// given at start (a reload does not reschedule audits), so this is computed once from the same options.
    /// </summary>
    internal static double? Period(AuditOptions audit, DateTimeOffset now)
    {
        if (!audit.Enabled)
        {
            return null;
        }

        if (audit.Interval is { } interval)
        {
            return interval.TotalSeconds;
        }

        var schedule = new AuditSchedule(audit);
        var longest = TimeSpan.Zero;
        var previous = schedule.NextDue(now);
        for (var i = 0; i < CronGapsConsidered && previous is { } from; i++)
        {
            var next = schedule.NextDue(from);
            if (next is { } to && to - from > longest)
            {
                longest = to - from;
            }

            previous = next;
        }

        return longest > TimeSpan.Zero ? longest.TotalSeconds : null;
    }
}
