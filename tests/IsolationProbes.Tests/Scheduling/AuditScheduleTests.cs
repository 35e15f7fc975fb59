using GpuQos.IsolationProbes.Audit;
using GpuQos.IsolationProbes.Scheduling;
using GpuQos.Model.Devices;
using GpuQos.Model.Snapshots;

namespace GpuQos.IsolationProbes.Tests.Scheduling;

public sealed class AuditScheduleTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void NextDue_Interval_AddsIt() =>
        Assert.Equal(Noon.AddHours(6), new AuditSchedule(new AuditOptions { Interval = TimeSpan.FromHours(6) }).NextDue(Noon));

    [Fact]
    public void NextDue_Cron_NextOccurrenceUtc() =>
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 3, 0, 0, TimeSpan.Zero), new AuditSchedule(new AuditOptions { Cron = "0 3 * * *" }).NextDue(Noon));

    [Fact]
    public void Gate_OutsideWindow_SaysSo_InsideWrappingWindow_Allows()
    {
        var schedule = new AuditSchedule(new AuditOptions { Window = new AuditWindowOptions { Start = "22:00", End = "04:00" } });

        Assert.Contains("outside the audit window", schedule.Gate(Noon, null), StringComparison.Ordinal);
        Assert.Null(schedule.Gate(Noon.AddHours(13), null));
    }

    [Fact]
    public void Gate_BusyGpu_Postpones_IdleGpu_Allows()
    {
        var schedule = new AuditSchedule(new AuditOptions { MaxGpuUtilization = 0.1 });

        Assert.Contains("GPU 0 is at", schedule.Gate(Noon, Snapshot(0.5)), StringComparison.Ordinal);
        Assert.Null(schedule.Gate(Noon, Snapshot(0.05)));
        Assert.NotNull(schedule.Gate(Noon, null));
    }

    private static HostSnapshot Snapshot(double utilization) => new()
    {
        Timestamp = Noon,
        Sequence = 1,
        Backend = "sim",
        Collectors = [],
        Gpus =
        [
            new GpuSnapshot
            {
                Identity = new GpuIdentity(0, "GPU-0", "A100", "0000:01:00.0"),
                Device = new DeviceReading { Mode = SharingMode.TimeSliced, MemoryTotalBytes = 1, MemoryUsedBytes = 0, SmUtilization = utilization },
            },
        ],
    };
}
