using GpuQos.Enforcer.Evaluation;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Tests.TestSupport;

namespace GpuQos.Enforcer.Tests.Engine;

/// <summary>
/// <see cref="Enforcer.Engine.SlaEnforcer.Reconfigure"/>: the policy diff a configuration reload applies. Every
/// test first drives search's floor on the demo host's time-sliced GPU into enforcing (a throttle of the noisy
/// neighbour and a clock lock), then reloads.
/// </summary>
public sealed class SlaEnforcerReloadTests
{
    private static readonly ActionOptions LockClocks = new() { Type = KnownPolicyTypes.Actions.LockClocks, MinMhz = 1410, MaxMhz = 1410 };

    // A fresh instance each call: a reload hands over new objects, equal or not.
    private static PolicyOptions SearchFloor(EnforcementMode? mode = null, bool lockClocks = true) => new()
    {
        Name = "search-floor",
        Tenant = "search",
        Gpus = [1],
        Mode = mode,
        For = TimeSpan.FromSeconds(5),
        Objectives = [new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MinSmShare, Share = 0.30 }],
        Actions = lockClocks ? [new ActionOptions { Type = KnownPolicyTypes.Actions.Throttle }, LockClocks] : [new ActionOptions { Type = KnownPolicyTypes.Actions.Throttle }],
    };

    private static PolicyOptions AdsMemory(TimeSpan window) => new()
    {
        Name = "ads-memory",
        Tenant = "ads",
        Gpus = [1],
        Objectives = [new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MaxMemory, Bytes = 64L << 30, Window = window }],
        Actions = [new ActionOptions { Type = KnownPolicyTypes.Actions.Priority, Nice = 5 }],
    };

    private static SimHost Enforcing(params PolicyOptions[] policies)
    {
        var host = new SimHost(policies.Length > 0 ? policies : [SearchFloor()]);
        for (var t = 0; t < 60 && host.Enforcer.Status().SingleOrDefault(s => s.Policy == "search-floor")?.State != SlaState.Enforcing; t++)
        {
            host.Tick();
        }

        Assert.Equal(SlaState.Enforcing, host.Enforcer.Status().Single(s => s.Policy == "search-floor").State);
        host.Tick();
        Assert.NotNull(host.Latest.Gpus[1].Device!.LockedClockHz);
        return host;
    }

    private static int Outstanding(SimHost host) => ActionJournal.Outstanding(ActionJournal.ReadAll(host.Enforcer.JournalPath)).Count;

    [Fact]
    public void Reconfigure_PolicyUnchanged_KeepsStateMachineAndActionsInForce()
    {
        using var host = Enforcing();
        var before = host.Enforcer.Status().Single();
        var outstanding = Outstanding(host);

        var diff = host.Enforcer.Reconfigure(host.Options, [SearchFloor()]);

        Assert.Equal(["search-floor"], diff.Kept);
        Assert.Empty(diff.Changed);
        Assert.Equal(0, diff.Lifted);
        host.Tick();
        var after = host.Enforcer.Status().Single();
        Assert.Equal(SlaState.Enforcing, after.State);
        Assert.Equal(before.Since, after.Since);
        Assert.Equal(before.Breaches, after.Breaches);
        Assert.Equal(before.Actions.Count, after.Actions.Count);
        Assert.NotNull(host.Latest.Gpus[1].Device!.LockedClockHz);
        Assert.DoesNotContain(host.Enforcer.RecentActions(), a => a.Result == "reverted");
        Assert.Equal(outstanding, Outstanding(host));
    }

    [Fact]
    public void Reconfigure_PolicyRemoved_LiftsItsActionsJournaledAndDropsItsState()
    {
        using var host = Enforcing();
        Assert.True(Outstanding(host) >= 2);

        var diff = host.Enforcer.Reconfigure(host.Options, []);

        Assert.Equal(["search-floor"], diff.Removed);
        Assert.Equal(2, diff.Lifted);
        Assert.Empty(host.Enforcer.Status());
        Assert.Empty(host.Enforcer.PolicyNames);
        Assert.Equal(0, Outstanding(host));
        var lifted = host.Enforcer.RecentActions().Where(a => a.Result == "reverted").ToList();
        Assert.Equal(["lock-clocks", "throttle"], lifted.Select(a => a.Action).Order(StringComparer.Ordinal));
        Assert.All(lifted, a => Assert.StartsWith("policy removed by a configuration reload", a.Detail, StringComparison.Ordinal));
        host.Tick();
        Assert.Null(host.Latest.Gpus[1].Device!.LockedClockHz);
        Assert.Empty(host.Enforcer.Status());
    }

    [Fact]
    public void Reconfigure_PolicyActionsChanged_LiftsThenStartsAgainInOk()
    {
        using var host = Enforcing();

        var diff = host.Enforcer.Reconfigure(host.Options, [SearchFloor(lockClocks: false)]);

        Assert.Equal(["search-floor"], diff.Changed);
        Assert.Equal(2, diff.Lifted);
        Assert.Equal(0, Outstanding(host));
        Assert.Contains(host.Enforcer.RecentActions(), a => a.Action == "lock-clocks" && a.Result == "reverted" && a.Detail.StartsWith("policy changed", StringComparison.Ordinal));
        host.Tick();

        // A new state machine: search is still starved, so it is pending again, with no breach counted yet.
        var status = host.Enforcer.Status().Single();
        Assert.Equal(SlaState.Pending, status.State);
        Assert.Equal(0, status.Breaches);
        Assert.Empty(status.Actions);
        Assert.Null(host.Latest.Gpus[1].Device!.LockedClockHz);
    }

    [Fact]
    public void Reconfigure_GlobalModeToDryRun_LiftsPoliciesThatFollowItKeepsOneWithItsOwnMode()
    {
        var own = SearchFloor(EnforcementMode.Enforce);
        using var host = Enforcing(own, AdsMemory(TimeSpan.FromSeconds(3)));
        var dryRun = new EnforcementOptions { Mode = EnforcementMode.DryRun, Journal = host.Options.Journal };

        // search-floor says enforce itself, so the global switch leaves it; ads-memory follows the global mode.
        var diff = host.Enforcer.Reconfigure(dryRun, [SearchFloor(EnforcementMode.Enforce), AdsMemory(TimeSpan.FromSeconds(3))]);
        Assert.Equal(["search-floor"], diff.Kept);
        Assert.Equal(["ads-memory"], diff.Changed);

        // Without its own mode, search-floor follows the switch to dry-run: its actions are lifted.
        diff = host.Enforcer.Reconfigure(dryRun, [SearchFloor(), AdsMemory(TimeSpan.FromSeconds(3))]);
        Assert.Equal(["search-floor"], diff.Changed);
        Assert.Equal(["ads-memory"], diff.Kept);
        Assert.Equal(2, diff.Lifted);
        host.Tick();
        Assert.Null(host.Latest.Gpus[1].Device!.LockedClockHz);
        Assert.Equal("dry-run", host.Enforcer.Status().Single(s => s.Policy == "search-floor").Mode);
    }

    [Fact]
    public void Reconfigure_NewPolicyCannotBeBuilt_FailsAloneAndTheOthersKeepEnforcing()
    {
        using var host = Enforcing();

        // Skips validation on purpose: lock-clocks without clocks makes its factory throw.
        var broken = new PolicyOptions
        {
            Name = "broken",
            Tenant = "ads",
            Objectives = [new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MaxSmShare, Share = 0.1 }],
            Actions = [new ActionOptions { Type = KnownPolicyTypes.Actions.LockClocks }],
        };
        var diff = host.Enforcer.Reconfigure(host.Options, [SearchFloor(), broken]);

        Assert.Equal(["broken"], diff.Added);
        Assert.Equal(["search-floor"], diff.Kept);
        var failure = Assert.Single(host.Enforcer.Failures());
        Assert.Equal("broken", failure.Policy);
        Assert.Contains("actions[0]", failure.Error, StringComparison.Ordinal);
        host.Tick();
        Assert.Equal(SlaState.Enforcing, host.Enforcer.Status().Single(s => s.Policy == "search-floor").State);
        Assert.NotNull(host.Latest.Gpus[1].Device!.LockedClockHz);
    }

    [Fact]
    public void Reconfigure_PolicyAdded_StartsInOkAndWidensTheHistoryWindow()
    {
        using var host = Enforcing();
        var before = host.Enforcer.HistoryWindow;

        var diff = host.Enforcer.Reconfigure(host.Options, [SearchFloor(), AdsMemory(TimeSpan.FromMinutes(2))]);

        Assert.Equal(["ads-memory"], diff.Added);
        Assert.True(before < TimeSpan.FromMinutes(2));
        Assert.Equal(TimeSpan.FromMinutes(2), host.Enforcer.HistoryWindow);
        Assert.DoesNotContain(host.Enforcer.Status(), s => s.Policy == "ads-memory");
        host.Tick();
        Assert.Equal(SlaState.Ok, host.Enforcer.Status().Single(s => s.Policy == "ads-memory").State);
        Assert.Equal(["search-floor", "ads-memory"], host.Enforcer.PolicyNames);
    }
}
