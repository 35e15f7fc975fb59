using System.Diagnostics;
using GpuQos.Daemon.Tests.Nvml;
using GpuQos.Daemon.Tests.TestSupport;
using Xunit.Abstractions;

namespace GpuQos.Daemon.Tests.Enforcement;

/// <summary>
/// The whole production path on real processes: the NVML stand-in reports two real CPU-burning processes
/// as GPU processes (SM utilization = their share of the one core they are pinned to), attribution names
/// their tenants from /proc, the enforcer throttles with SIGSTOP/SIGCONT and locks the GPU clock through
/// NVML, and the stand-in's control log shows the clock locked on the breach and reset on recovery and on
/// shutdown.
/// </summary>
[Collection(CpuTimingCollection.Name)]
public sealed class NvmlClosedLoopTests(NvmlStubBuild stub, ITestOutputHelper output) : IClassFixture<NvmlStubBuild>
{
    [Fact]
    public async Task Breach_LocksClocksAndThrottles_ResetOnShutdownAndOnRecovery()
    {
        using var core = ContendedCore.Start(stub);
        var (victim, noisy, log) = (core.Victim, core.Noisy, core.ControlLog);
        var config = core.WriteConfig(ContendedCore.Tenants + core.Enforcement + ContendedCore.FloorPolicy(lockClocks: true));
        var environment = core.Environment();
        const string Locked = ContendedCore.ClockLocked;
        const string Reset = ContendedCore.ClockReset;

        // Run 1: the breach locks the clock and throttles the neighbour; a graceful stop puts both back.
        await using (var daemon = await DaemonProcess.StartAsync(["--backend", "nvml", "--config", config], environment))
        {
            Assert.True(await WaitFor(() => Count(log, Locked) == 1, TimeSpan.FromSeconds(60)), "the clock was never locked:\n" + daemon.Output);
            var share = await MeasureShareAsync(victim.Pid, noisy.Pid, TimeSpan.FromSeconds(6));
            output.WriteLine($"victim share while enforcing: {share:P1}");
            Assert.True(share > 0.57, $"the victim got only {share:P1} of the core while the policy was enforced");
            Assert.Equal(0, await daemon.StopAsync());
        }

        Assert.Equal(1, Count(log, Reset));
        Assert.NotEqual('T', ProcState.Of(noisy.Pid));

        // Run 2: the same breach; then the neighbour exits, the victim recovers, and the clock is reset.
        await using (var daemon = await DaemonProcess.StartAsync(["--backend", "nvml", "--config", config], environment))
        {
            Assert.True(await WaitFor(() => Count(log, Locked) == 2, TimeSpan.FromSeconds(60)), "the clock was not locked again:\n" + daemon.Output);
            noisy.Dispose();
            var recovered = await WaitFor(() => Count(log, Reset) == 2, TimeSpan.FromSeconds(60));
            Assert.True(recovered, "the clock was not reset on recovery:\n" + daemon.Output + "\n" + await daemon.Http.GetStringAsync("/api/v1/state"));
        }

        Assert.Equal(2, Count(log, Reset));
        Assert.NotEqual('T', ProcState.Of(victim.Pid));
    }

    private static int Count(string log, string line) => File.Exists(log) ? File.ReadLines(log).Count(l => l.Trim() == line) : 0;

    private static async Task<bool> WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(200);
        }

        return condition();
    }

    /// <summary>The victim's share of the CPU time the two used over <paramref name="period"/>, from /proc.</summary>
    private static async Task<double> MeasureShareAsync(int victim, int noisy, TimeSpan period)
    {
        var (v0, n0) = (ProcState.CpuTicks(victim), ProcState.CpuTicks(noisy));
        await Task.Delay(period);
        var (v1, n1) = (ProcState.CpuTicks(victim), ProcState.CpuTicks(noisy));
        return (double)(v1 - v0) / Math.Max(1, v1 - v0 + n1 - n0);
    }
}
