using System.Diagnostics;
using GpuQos.Daemon.Tests.Nvml;
using GpuQos.Daemon.Tests.TestSupport;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Enforcement;

/// <summary>
/// Issue #26: <c>freeze</c> on a real host. The NVML stand-in reports two real processes; the noisy one runs
/// in a real cgroup v2 created for the test. The daemon's attribution reads that cgroup from /proc, the
/// breach freezes it (the kernel says <c>frozen 1</c>), and the graceful stop thaws it. Before the fix the
/// action read a cgroup only the simulator sets, and on a real host froze nothing.
/// </summary>
[Collection(CpuTimingCollection.Name)]
public sealed class FreezeOnNvmlHostTests(NvmlStubBuild stub) : IClassFixture<NvmlStubBuild>
{
    [CgroupFact]
    public async Task Breach_FreezesTheNeighboursRealCgroup_ThawedOnStop()
    {
        using var core = ContendedCore.Start(stub);
        using var cgroup = TestCgroup.Create();
        cgroup.Add(core.Noisy.Pid);
        var policy = ContendedCore.FloorPolicy(lockClocks: false).Replace("type: throttle", "type: freeze", StringComparison.Ordinal);
        var config = core.WriteConfig(ContendedCore.Tenants + core.Enforcement + $"  cgroupRoot: {cgroup.Mount}\n" + policy);

        await using (var daemon = await DaemonProcess.StartAsync(["--backend", "nvml", "--config", config], core.Environment()))
        {
            Assert.True(await WaitFor(() => cgroup.Frozen, TimeSpan.FromSeconds(60)), "the noisy tenant's cgroup was never frozen:\n" + daemon.Output);
            var frozen = ActionJournal.ReadAll(core.Journal).First(e => e.Action == KnownPolicyTypes.Actions.Freeze && e.Op == JournalOps.Apply);
            Assert.Equal([cgroup.Path], frozen.Cgroups);
            Assert.Equal(0, await daemon.StopAsync());
        }

        Assert.True(await WaitFor(() => !cgroup.Frozen, TimeSpan.FromSeconds(10)), "the cgroup was left frozen after the daemon stopped");
        Assert.NotEqual('T', core.Noisy.State);
    }

    private static async Task<bool> WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return condition();
    }
}
