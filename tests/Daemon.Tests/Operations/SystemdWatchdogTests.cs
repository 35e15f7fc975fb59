using GpuQos.Daemon.Hosting;

namespace GpuQos.Daemon.Tests.Operations;

public sealed class SystemdWatchdogTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("10000000", null, 5.0)]
    [InlineData("10000000", "42", 5.0)]
    [InlineData("1000000", null, 0.5)]
    public void PingPeriod_WatchdogSet_IsHalfOfIt(string usec, string? pid, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), SystemdWatchdog.PingPeriod(usec, pid, 42));

    [Theory]
    [InlineData(null, null)]
    [InlineData("0", null)]
    [InlineData("abc", null)]
    [InlineData("10000000", "43")]
    public void PingPeriod_WatchdogOffOrForAnotherProcess_IsNull(string? usec, string? pid) =>
        Assert.Null(SystemdWatchdog.PingPeriod(usec, pid, 42));

    [Fact]
    public void Alive_LastCycleWithinThreeIntervals_IsTrue() =>
        Assert.True(SystemdWatchdog.Alive(Start.AddSeconds(10), Start, Start.AddSeconds(13), TimeSpan.FromSeconds(1)));

    [Fact]
    public void Alive_LastCycleOlderThanThreeIntervals_IsFalse() =>
        Assert.False(SystemdWatchdog.Alive(Start.AddSeconds(10), Start, Start.AddSeconds(13.1), TimeSpan.FromSeconds(1)));

    [Fact]
    public void Alive_NoCycleYet_CountsFromStart()
    {
        Assert.True(SystemdWatchdog.Alive(null, Start, Start.AddSeconds(2), TimeSpan.FromSeconds(1)));
        Assert.False(SystemdWatchdog.Alive(null, Start, Start.AddSeconds(4), TimeSpan.FromSeconds(1)));
    }
}
