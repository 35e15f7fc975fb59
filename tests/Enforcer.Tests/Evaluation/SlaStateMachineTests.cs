using GpuQos.Enforcer.Evaluation;

namespace GpuQos.Enforcer.Tests.Evaluation;

public sealed class SlaStateMachineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static SlaStateMachine Machine(int forSeconds = 5, int cooldownSeconds = 30, int maxActions = 10) =>
        new(TimeSpan.FromSeconds(forSeconds), TimeSpan.FromSeconds(cooldownSeconds), maxActions, TimeSpan.FromMinutes(10), T0);

    private static DateTimeOffset At(int seconds) => T0 + TimeSpan.FromSeconds(seconds);

    [Fact]
    public void Step_ViolatedShorterThanFor_PendingThenOkWithoutBreach()
    {
        var m = Machine();
        Assert.Equal(SlaDecision.None, m.Step(At(1), violated: true, clear: false, slack: true));
        Assert.Equal(SlaState.Pending, m.State);
        Assert.Equal(SlaDecision.None, m.Step(At(4), violated: true, clear: false, slack: true));
        m.Step(At(5), violated: false, clear: true, slack: true);
        Assert.Equal(SlaState.Ok, m.State);
        Assert.Equal(0, m.Breaches);
    }

    [Fact]
    public void Step_ViolatedForFor_BreachedAndAsksToAct()
    {
        var m = Machine();
        m.Step(At(1), true, false, true);
        Assert.Equal(SlaDecision.Act, m.Step(At(6), true, false, true));
        Assert.Equal(SlaState.Breached, m.State);
        Assert.Equal(1, m.Breaches);
    }

    [Fact]
    public void Step_EnforcingThenClearAndSlackForFor_RecoversAndLifts()
    {
        var m = Machine();
        m.Step(At(1), true, false, true);
        m.Step(At(6), true, false, true);
        m.Enforced(At(6));
        Assert.Equal(SlaState.Enforcing, m.State);

        // Met but the actions still bite: stays enforcing.
        Assert.Equal(SlaDecision.None, m.Step(At(7), false, true, slack: false));
        Assert.Equal(SlaState.Enforcing, m.State);
        m.Step(At(8), false, true, slack: true);
        Assert.Equal(SlaState.Recovering, m.State);
        Assert.Equal(SlaDecision.None, m.Step(At(12), false, true, true));
        Assert.Equal(SlaDecision.Lift, m.Step(At(13), false, true, true));
        Assert.Equal(SlaState.Ok, m.State);
        Assert.Equal(7, m.BreachSeconds);
    }

    [Fact]
    public void Step_RecoveringViolatedAgain_BackToEnforcingWithoutLifting()
    {
        var m = Machine();
        m.Step(At(1), true, false, true);
        m.Step(At(6), true, false, true);
        m.Enforced(At(6));
        m.Step(At(7), false, true, true);
        Assert.Equal(SlaDecision.None, m.Step(At(8), true, false, true));
        Assert.Equal(SlaState.Enforcing, m.State);
    }

    [Fact]
    public void Step_BreachedDuringCooldown_HeldBackUntilItEnds()
    {
        var m = Machine(forSeconds: 0, cooldownSeconds: 30);
        Assert.Equal(SlaDecision.Act, m.Step(At(1), true, false, true));
        m.Enforced(At(1));
        Assert.Equal(SlaDecision.Lift, m.Step(At(2), false, true, true));
        Assert.Equal(SlaDecision.None, m.Step(At(3), true, false, true));
        Assert.Equal(SlaState.Breached, m.State);
        Assert.NotNull(m.HeldBack);
        Assert.Equal(SlaDecision.Act, m.Step(At(32), true, false, true));
    }

    [Fact]
    public void Step_MaxActionsReached_HeldBack()
    {
        var m = Machine(forSeconds: 0, cooldownSeconds: 0, maxActions: 1);
        Assert.Equal(SlaDecision.Act, m.Step(At(1), true, false, true));
        m.Enforced(At(1));
        m.Step(At(2), false, true, true);
        Assert.Equal(SlaDecision.None, m.Step(At(3), true, false, true));
        Assert.Contains("1 action", m.HeldBack, StringComparison.Ordinal);
    }
}
