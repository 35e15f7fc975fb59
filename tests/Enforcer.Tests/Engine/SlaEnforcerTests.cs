using GpuQos.Enforcer.Evaluation;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Tests.TestSupport;

namespace GpuQos.Enforcer.Tests.Engine;

public sealed class SlaEnforcerTests
{
    private static PolicyOptions SearchFloor(EnforcementMode? mode = null, params ActionOptions[] actions) => new()
    {
        Name = "search-floor",
        Tenant = "search",
        Gpus = [1],
        Mode = mode,
        For = TimeSpan.FromSeconds(5),
        Objectives = [new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MinSmShare, Share = 0.30 }],
        Actions = actions.Length > 0 ? [.. actions] : [new ActionOptions { Type = KnownPolicyTypes.Actions.Throttle }],
    };

    private static void Run(SimHost host, int seconds)
    {
        for (var i = 0; i < seconds; i++)
        {
            host.Tick();
        }
    }

    [Fact]
    public void Build_OnePolicyCannotBeBuilt_FailsAloneOthersEnforce()
    {
        // Skips validation on purpose: lock-clocks without clocks makes its factory throw.
        var broken = new PolicyOptions
        {
            Name = "broken",
            Tenant = "ads",
            Objectives = [new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MaxSmShare, Share = 0.1 }],
            Actions = [new ActionOptions { Type = KnownPolicyTypes.Actions.LockClocks }],
        };
        using var host = new SimHost([broken, SearchFloor()]);
        Run(host, 40);

        var failure = Assert.Single(host.Enforcer.Failures());
        Assert.Equal("broken", failure.Policy);
        Assert.Contains("actions[0]", failure.Error, StringComparison.Ordinal);
        Assert.Equal(SlaState.Enforcing, host.Enforcer.Status().Single(s => s.Policy == "search-floor").State);
    }

    [Fact]
    public void Evaluate_PolicyThrowsWhileRunning_ItsFailureIsPublishedAndTheSloTargetsStay()
    {
        // The view's policy lists are rebuilt only when the policies change; a policy failing mid-run is such a change.
        var exploding = SearchFloor(null, new ActionOptions { Type = ExplodingAction.Name });
        using var host = new SimHost([exploding], factories: [.. SimHost.Factories, new ExplodingAction()]);
        Assert.Empty(host.Enforcer.Failures());
        var targets = host.Enforcer.SloTargets();

        for (var t = 0; t < 60 && host.Enforcer.Failures().Count == 0; t++)
        {
            host.Tick();
        }

        var failure = Assert.Single(host.Enforcer.Failures());
        Assert.Equal("search-floor", failure.Policy);
        Assert.Contains("the action blew up", failure.Error, StringComparison.Ordinal);
        Assert.Equal(targets, host.Enforcer.SloTargets());
        Assert.Equal(["search-floor"], host.Enforcer.PolicyNames);
    }

    [Fact]
    public void Act_ThrottleOnMigGpu_RefusedAndNothingApplied()
    {
        var policy = new PolicyOptions
        {
            Name = "ml-memory",
            Tenant = "ml-platform",
            Gpus = [0],
            For = TimeSpan.Zero,
            Objectives = [new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MaxMemory, Bytes = 1L << 30 }],
            Actions = [new ActionOptions { Type = KnownPolicyTypes.Actions.Throttle }],
        };
        using var host = new SimHost([policy]);
        Run(host, 3);

        var refused = Assert.Single(host.Enforcer.RecentActions().DistinctBy(a => a.Result));
        Assert.Equal("refused", refused.Result);
        Assert.Contains("MIG", refused.Detail, StringComparison.Ordinal);
        Assert.Equal(SlaState.Breached, host.Enforcer.Status().Single().State);
        Assert.Empty(ActionJournal.ReadAll(host.Enforcer.JournalPath));
    }

    [Fact]
    public void Act_DryRun_JournalsPlanButVictimStaysStarved()
    {
        using var host = new SimHost([SearchFloor(EnforcementMode.DryRun)]);
        var shares = new List<double>();
        for (var t = 1; t <= 45; t++)
        {
            host.Tick();
            shares.Add(host.Share("search", 1));
        }

        Assert.Equal(SlaState.Enforcing, host.Enforcer.Status().Single().State);
        var planned = ActionJournal.ReadAll(host.Enforcer.JournalPath);
        Assert.NotEmpty(planned);
        Assert.All(planned, e => Assert.True(e.DryRun));
        Assert.Empty(ActionJournal.Outstanding(planned));

        // Nothing was throttled: from the breach (29 s) on, search stays as starved as without a policy,
        // where the enforcing run holds it above its floor.
        var afterBreach = shares.Skip(29).Take(10).Average();
        Assert.True(afterBreach < 0.28, $"search averaged {afterBreach:0.000} in dry-run");
    }

    [Fact]
    public void Act_NeighboursBelongToNoTenant_NeverTouchedUnlessConfigured()
    {
        var onlySearch = new UserAttributor(new Dictionary<string, string> { ["search"] = "search" });
        using (var host = new SimHost([SearchFloor()], attributor: onlySearch))
        {
            Run(host, 45);
            Assert.Equal(SlaState.Breached, host.Enforcer.Status().Single().State);
            Assert.DoesNotContain(host.Enforcer.RecentActions(), a => a.Result == "applied");
        }

        using (var host = new SimHost([SearchFloor()], new EnforcementOptions { TouchUnattributed = true }, attributor: onlySearch))
        {
            Run(host, 45);
            Assert.Equal(SlaState.Enforcing, host.Enforcer.Status().Single().State);
            Assert.True(host.Share("search", 1) >= 0.28);
        }
    }

    [Fact]
    public void Recover_JournalOfCrashedRun_ClocksResetAndJournalEmptied()
    {
        using var host = new SimHost([]);
        host.Backend.SetLockedClocks(1, 1410, 1410);
        using (var journal = new ActionJournal(host.Enforcer.JournalPath))
        {
            journal.Append(new JournalEntry { Op = JournalOps.Apply, Id = 7, Action = KnownPolicyTypes.Actions.LockClocks, At = DateTimeOffset.UnixEpoch, Gpu = 1 });
        }

        Assert.Equal(1, host.Enforcer.Recover());
        host.Tick();
        Assert.Null(host.Latest.Gpus[1].Device!.LockedClockHz);
        Assert.Empty(ActionJournal.ReadAll(host.Enforcer.JournalPath));
        Assert.Contains(host.Enforcer.RecentActions(), a => a.Id == 7 && a.Result == "recovered");
    }

    [Fact]
    public async Task Pause_WhileEnforcing_RevertsAndHoldsBack()
    {
        var policy = SearchFloor(null, new ActionOptions { Type = KnownPolicyTypes.Actions.Throttle }, new ActionOptions { Type = KnownPolicyTypes.Actions.LockClocks, MinMhz = 1410, MaxMhz = 1410 });
        using var host = new SimHost([new PolicyOptions { Name = policy.Name, Tenant = policy.Tenant, Gpus = policy.Gpus, For = policy.For, Cooldown = TimeSpan.Zero, Objectives = policy.Objectives, Actions = policy.Actions }]);
        Run(host, 40);
        Assert.NotNull(host.Latest.Gpus[1].Device!.LockedClockHz);
        var applied = host.Enforcer.RecentActions().Count(a => a.Result == "applied");

        await host.Enforcer.PauseAsync(CancellationToken.None);
        for (var t = 0; t < 60 && host.Enforcer.Status().Single().State != SlaState.Breached; t++)
        {
            host.Tick();
        }

        // Breached again without its actions: evaluated, not applied.
        Assert.True(host.Enforcer.Paused);
        Assert.Equal(SlaState.Breached, host.Enforcer.Status().Single().State);
        Assert.Equal("enforcement is paused", host.Enforcer.Status().Single().HeldBack);
        Assert.Null(host.Latest.Gpus[1].Device!.LockedClockHz);
        Assert.Equal(applied, host.Enforcer.RecentActions().Count(a => a.Result == "applied"));
        Assert.Empty(ActionJournal.Outstanding(ActionJournal.ReadAll(host.Enforcer.JournalPath)));
    }

    /// <summary>An action that throws when the engine asks whether it can act: the policy fails at run time.</summary>
    private sealed class ExplodingAction : GpuQos.Enforcer.Actions.IActionFactory, GpuQos.Enforcer.Actions.IPolicyAction
    {
        public const string Name = "exploding-action";

        public string Type => Name;

        public GpuQos.Enforcer.Actions.IPolicyAction Create(ActionOptions options) => this;

        public string? Refusal(GpuQos.Enforcer.Actions.ActionContext context) => throw new InvalidOperationException("the action blew up");

        public GpuQos.Enforcer.Actions.ActionPlan? Plan(GpuQos.Enforcer.Actions.ActionContext context, long id) => null;
    }
}
