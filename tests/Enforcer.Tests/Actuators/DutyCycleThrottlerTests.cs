using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Tests.TestSupport;

namespace GpuQos.Enforcer.Tests.Actuators;

public sealed class DutyCycleThrottlerTests
{
    [Fact]
    public async Task Set_ZeroDutyThenRelease_StoppedThenContinued()
    {
        using var burner = new Burner(0);
        var key = new ProcessKey(burner.Pid, ProcStat.Read(burner.Pid)!.Value.StartTime);
        using var throttler = new DutyCycleThrottler(TimeSpan.FromMilliseconds(50), TimeProvider.System);

        throttler.Set(key, 0);
        Assert.True(await StateAsync(burner.Pid, 'T'), "a duty cycle of 0 did not stop the process");

        throttler.Set(key, 1);
        Assert.NotEqual('T', ProcStat.Read(burner.Pid)!.Value.State);
    }

    [Fact]
    public async Task Set_StartTimeDoesNotMatch_ProcessNeverStopped()
    {
        using var burner = new Burner(0);
        var reused = new ProcessKey(burner.Pid, ProcStat.Read(burner.Pid)!.Value.StartTime + 1);
        using var throttler = new DutyCycleThrottler(TimeSpan.FromMilliseconds(20), TimeProvider.System);

        throttler.Set(reused, 0);
        Assert.False(await StateAsync(burner.Pid, 'T', TimeSpan.FromMilliseconds(500)), "a process with another start time was stopped");
    }

    [Fact]
    public async Task Dispose_WhileThrottling_ContinuesEveryProcess()
    {
        using var burner = new Burner(0);
        var key = new ProcessKey(burner.Pid, ProcStat.Read(burner.Pid)!.Value.StartTime);
        var throttler = new DutyCycleThrottler(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        throttler.Set(key, 0);
        Assert.True(await StateAsync(burner.Pid, 'T'));

        throttler.Dispose();
        Assert.NotEqual('T', ProcStat.Read(burner.Pid)!.Value.State);
    }

    private static async Task<bool> StateAsync(int pid, char state, TimeSpan? timeout = null)
    {
        var end = TimeProvider.System.GetTimestamp() + (long)((timeout ?? TimeSpan.FromSeconds(5)).TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (TimeProvider.System.GetTimestamp() < end)
        {
            if (ProcStat.Read(pid)?.State == state)
            {
                return true;
            }

            await Task.Delay(10);
        }

        return false;
    }
}
