using GpuQos.Daemon.Exposition;
using GpuQos.IsolationProbes.Audit;

namespace GpuQos.Daemon.Tests.Exposition;

public sealed class ScheduleMetricsTests
{
    // A Wednesday, so that a weekday-only schedule's weekend gap lies within the next few occurrences.
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AuditPeriod_Interval_IsTheInterval()
    {
        Assert.Equal(6 * 3600, ScheduleMetrics.Period(new AuditOptions { Enabled = true, Interval = TimeSpan.FromHours(6) }, Now));
    }

    [Fact]
    public void AuditPeriod_WeekdayCron_IsTheWeekendGap()
    {
        // 02:00 Monday to Friday: daily, except Friday to Monday, and the stale alert must tolerate that gap.
        Assert.Equal(3 * 86400, ScheduleMetrics.Period(new AuditOptions { Enabled = true, Cron = "0 2 * * 1-5" }, Now));
    }

    [Fact]
    public void AuditPeriod_DailyCron_IsADay()
    {
        Assert.Equal(86400, ScheduleMetrics.Period(new AuditOptions { Enabled = true, Cron = "30 3 * * *" }, Now));
    }

    [Fact]
    public void AuditPeriod_AuditsNotScheduled_Absent()
    {
        Assert.Null(ScheduleMetrics.Period(new AuditOptions { Enabled = false, Interval = TimeSpan.FromHours(6) }, Now));
    }
}
