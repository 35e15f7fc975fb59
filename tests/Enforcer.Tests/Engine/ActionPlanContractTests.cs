using GpuQos.Enforcer.Actions;
using GpuQos.Enforcer.Engine;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Tests.TestSupport;

namespace GpuQos.Enforcer.Tests.Engine;

/// <summary>
/// An action type the engine has never seen gets journal-first and dry-run without doing anything for them: it
/// only plans, and the engine journals the plan (fsynced) before applying it, or records it and never applies it.
/// </summary>
public sealed class ActionPlanContractTests
{
    private const string Probe = "probe-action";

    private static PolicyOptions SearchFloor(EnforcementMode mode) => new()
    {
        Name = "search-floor",
        Tenant = "search",
        Gpus = [1],
        Mode = mode,
        For = TimeSpan.FromSeconds(5),
        Objectives = [new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MinSmShare, Share = 0.30 }],
        Actions = [new ActionOptions { Type = Probe }],
    };

    [Fact]
    public void NewActionType_Enforce_JournalHoldsItsPlanBeforeItsFirstStepAndEachLaterStepRuns()
    {
        var probe = new ProbeFactory();
        using var host = new SimHost([SearchFloor(EnforcementMode.Enforce)], factories: [probe]);
        probe.Journal = host.Options.Journal!;
        RunUntilApplied(host, probe);

        // Apply saw its own record already in the journal file, from the engine, not from the action.
        Assert.Equal(1, probe.Applied);
        Assert.True(probe.JournaledBeforeApply, "the plan's record was not in the journal when the action was applied");
        var line = Assert.Single(ActionJournal.ReadAll(probe.Journal), e => e.Action == Probe);
        Assert.False(line.DryRun);
        Assert.Contains(host.Enforcer.RecentActions(), a => a.Action == Probe && a.Result == ActionResults.Applied);

        // A later step of the action in force goes through the engine too.
        host.Tick();
        Assert.True(probe.Updates > 0);
        Assert.Equal(probe.Updates, probe.StepsApplied);
    }

    [Fact]
    public void NewActionType_DryRun_JournaledAsDryRunRecordedAndNeverApplied()
    {
        var probe = new ProbeFactory();
        using var host = new SimHost([SearchFloor(EnforcementMode.DryRun)], factories: [probe]);
        probe.Journal = host.Options.Journal!;
        for (var t = 0; t < 60 && !host.Enforcer.RecentActions().Any(a => a.Action == Probe); t++)
        {
            host.Tick();
        }

        host.Tick();
        host.Tick();
        Assert.True(probe.Planned > 0, "the breach never planned the action");
        Assert.Equal(0, probe.Applied);
        Assert.Equal(0, probe.StepsApplied);
        Assert.True(probe.Updates > 0);
        var line = Assert.Single(ActionJournal.ReadAll(probe.Journal), e => e.Action == Probe && e.Op == JournalOps.Apply);
        Assert.True(line.DryRun);
        Assert.Contains(host.Enforcer.RecentActions(), a => a.Action == Probe && a.Result == ActionResults.DryRun);
    }

    private static void RunUntilApplied(SimHost host, ProbeFactory probe)
    {
        for (var t = 0; t < 60 && probe.Applied == 0; t++)
        {
            host.Tick();
        }
    }

    /// <summary>An action type unknown to the engine: it plans, and checks the journal when it is applied.</summary>
    private sealed class ProbeFactory : IActionFactory, IPolicyAction
    {
        public string Journal { get; set; } = "";

        public int Planned { get; private set; }

        public int Applied { get; private set; }

        public int Updates { get; set; }

        public int StepsApplied { get; set; }

        public bool JournaledBeforeApply { get; private set; }

        public string Type => Probe;

        public IPolicyAction Create(ActionOptions options) => this;

        public string? Refusal(ActionContext context) => null;

        public ActionPlan? Plan(ActionContext context, long id)
        {
            Planned++;
            var entry = context.Entry(id, Probe, "probe planned");
            var active = new ActiveProbe(this, entry);
            return new ActionPlan
            {
                Detail = entry.Detail,
                Entry = entry,
                Journaled = e => active.Entry = e,
                Apply = () =>
                {
                    JournaledBeforeApply = ActionJournal.ReadAll(Journal).Any(e => e.Id == id && e.Action == Probe && e.Op == JournalOps.Apply);
                    Applied++;
                },
                Active = active,
            };
        }
    }

    private sealed class ActiveProbe(ProbeFactory factory, JournalEntry entry) : IActiveAction
    {
        public long Id => Entry.Id;

        public string Type => Probe;

        public string Detail => Entry.Detail;

        public JournalEntry Entry { get; set; } = entry;

        public IReadOnlyList<ActionPlan> Update(ActionContext context)
        {
            factory.Updates++;
            return [new ActionPlan { Apply = () => factory.StepsApplied++ }];
        }

        public bool Slack(ActionContext context) => false;
    }
}
