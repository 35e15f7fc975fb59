using GpuQos.Enforcer.Actions;
using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Tests.TestSupport;

namespace GpuQos.Enforcer.Tests.Actions;

/// <summary>lock-clocks and power-limit: checked against the device's ranges at action time, and undone exactly.</summary>
public sealed class DeviceSettingsTests
{
    [Fact]
    public void LockClocks_AnotherLockInForce_UndoRestoresThatLockNotAReset()
    {
        using var host = new SimHost([]);
        var latest = host.Tick();
        using var journal = new ActionJournal(Path.Combine(host.Directory.FullName, "clocks.jsonl"));

        // Another policy's lock is in force on GPU 1 when this one locks the clock lower.
        host.Backend.SetLockedClocks(1, 1200, 1200);
        var action = new LockClocksActionFactory().Create(new ActionOptions { Type = KnownPolicyTypes.Actions.LockClocks, MinMhz = 900, MaxMhz = 1000 });
        var context = DeviceContext.For(host, latest, host.Backend, 1);
        Assert.Null(action.Refusal(context));
        var applied = action.Apply(context, journal)!;
        Assert.Equal((900u, 1000u), host.Backend.GetLockedClocks(1));
        Assert.Contains(ActionJournal.ReadAll(journal.Path), e => e.PreviousLockedMinMhz == 1200 && e.PreviousLockedMaxMhz == 1200);

        Reverter(host).Revert(applied.Entry);
        Assert.Equal((1200u, 1200u), host.Backend.GetLockedClocks(1));
    }

    [Fact]
    public void LockClocks_NoLockBefore_UndoResets()
    {
        using var host = new SimHost([]);
        var latest = host.Tick();
        using var journal = new ActionJournal(Path.Combine(host.Directory.FullName, "clocks.jsonl"));
        var action = new LockClocksActionFactory().Create(new ActionOptions { Type = KnownPolicyTypes.Actions.LockClocks, MinMhz = 900, MaxMhz = 1000 });
        var applied = action.Apply(DeviceContext.For(host, latest, host.Backend, 1), journal)!;
        Reverter(host).Revert(applied.Entry);
        Assert.Null(host.Backend.GetLockedClocks(1));
    }

    [Fact]
    public void LockClocks_BelowTheLowestSupportedClock_RefusedWithTheDeviceRange()
    {
        using var host = new SimHost([]);
        var latest = host.Tick();
        using var journal = new ActionJournal(Path.Combine(host.Directory.FullName, "clocks.jsonl"));
        var action = new LockClocksActionFactory().Create(new ActionOptions { Type = KnownPolicyTypes.Actions.LockClocks, MinMhz = 100, MaxMhz = 1000 });
        Assert.Equal(
            "minMhz 100-maxMhz 1000 is outside the SM clocks GPU 1 supports (210-1410 MHz)",
            action.Refusal(DeviceContext.For(host, latest, host.Backend, 1)));
    }

    [Theory]
    [InlineData(50, "watts 50 is outside the power limits GPU 1 accepts (100-400 W)")]
    [InlineData(450, "watts 450 is outside the power limits GPU 1 accepts (100-400 W)")]
    [InlineData(250, null)]
    public void PowerLimit_AgainstTheDeviceConstraints_RefusedOutsideWithTheRange(double watts, string? refusal)
    {
        using var host = new SimHost([]);
        var latest = host.Tick();
        using var journal = new ActionJournal(Path.Combine(host.Directory.FullName, "power.jsonl"));
        var action = new PowerLimitActionFactory().Create(new ActionOptions { Type = KnownPolicyTypes.Actions.PowerLimit, Watts = watts });
        Assert.Equal(refusal, action.Refusal(DeviceContext.For(host, latest, host.Backend, 1)));
    }

    private static ActionReverter Reverter(SimHost host) =>
        new(host.Backend, new Dictionary<string, IProcessActuator>(), new CgroupFreezer(host.Directory.FullName));
}
