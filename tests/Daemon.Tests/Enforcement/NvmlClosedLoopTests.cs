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
        using var dir = new TempDir();
        using var victim = Burner.Start(dir.Path, "victim");
        using var noisy = Burner.Start(dir.Path, "noisy");
        var log = Path.Combine(dir.Path, "control.log");
        var fixture = stub.Fixture(
            "gpu uuid=GPU-00000000-0000-4000-8000-00000000c10d name=\"NVIDIA A100-SXM4-40GB\" pci=00000000:17:00.0 memory=40960 sm_clock=1410 sm_clock_max=1410 power_max=400000 power_min=100000",
            $"process gpu=0 pid={victim.Pid} name=victim memory=1024 real=1",
            $"process gpu=0 pid={noisy.Pid} name=noisy memory=1024 real=1");
        var config = dir.Write("gpuqos.yaml", $$"""
            tenants:
              - {name: victim, match: [{process: victim}]}
              - {name: noisy, match: [{process: noisy}]}
            enforcement:
              journal: {{Path.Combine(dir.Path, "journal.jsonl")}}
            policies:
              - name: victim-floor
                tenant: victim
                objectives:
                  - {type: min-sm-share, share: 0.65, window: 2s}
                for: 2s
                cooldown: 1s
                actions:
                  - type: throttle
                  - {type: lock-clocks, minMhz: 1200, maxMhz: 1200}
            """);
        var environment = NvmlStubBuild.Environment(fixture);
        environment["GPUQOS_NVML_STUB_LOG"] = log;
        const string Locked = "nvmlDeviceSetGpuLockedClocks gpu=0 min=1200 max=1200 -> 0";
        const string Reset = "nvmlDeviceResetGpuLockedClocks gpu=0 -> 0";

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
