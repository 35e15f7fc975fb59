using GpuQos.Enforcer.Planning;

namespace GpuQos.Enforcer.Tests.Planning;

public sealed class FloorBudgetTests
{
    [Fact]
    public void Update_LosslessGpuGreedyVictim_NeighboursGetAllButFloorPlusHysteresis()
    {
        var budget = new FloorBudget(0.70, 0.02);
        Assert.Equal(0.28, budget.Update(1, victim: 0.14, neighbours: 0.86, floorBroken: true), 6);

        // Held there: the victim has exactly its target and the neighbours their budget.
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(0.28, budget.Update(1, victim: 0.72, neighbours: 0.28, floorBroken: false), 6);
        }
    }

    [Fact]
    public void Update_NeighboursStillOverTheirBudget_NotTightenedForTheirTrackingError()
    {
        var budget = new FloorBudget(0.70, 0.02);
        budget.Update(1, 0.14, 0.86, floorBroken: true);

        // The duty-cycle loop has not caught up yet: the victim's shortfall is the neighbours' excess, not a loss.
        Assert.Equal(0.28, budget.Update(1, victim: 0.50, neighbours: 0.50, floorBroken: true), 6);
        Assert.Equal(0, budget.Compensation, 6);
    }

    [Fact]
    public void Update_GpuLosesCapacity_LossMeasuredAndBudgetTightenedByIt()
    {
        // A GPU that loses 6% to context switches: what the neighbours leave, the victim gets less 0.06.
        var budget = new FloorBudget(0.70, 0.02);
        var b = budget.Update(1, 0.30, 0.64, floorBroken: true);
        for (var i = 0; i < 40; i++)
        {
            var victim = 0.94 - b;
            b = budget.Update(1, victim, b, floorBroken: victim < 0.70);
        }

        // Tightened until the floor holds; never more than the measured loss.
        Assert.InRange(0.94 - b, 0.70, 0.72 + 1e-9);
        Assert.InRange(budget.Compensation, 0.02, 0.06 + 1e-9);
    }

    [Fact]
    public void Update_FirstCycleOnAGpuDeliveringLittle_TightenedAtOnce()
    {
        // Both tenants get 17% of a GPU that is busy only a third of the time (the NVML stand-in's real-PID mode on
        // a loaded machine): neither is over a 0.33 budget, so a first plan at the budget would throttle nobody.
        var budget = new FloorBudget(0.65, 0.02);
        Assert.True(budget.Update(1, victim: 0.17, neighbours: 0.17, floorBroken: true) < 0.17);
    }

    [Fact]
    public void Update_VictimHasMoreThanItNeeds_GivenBackToTheNeighbours()
    {
        var budget = new FloorBudget(0.50, 0.02);
        var b = budget.Update(1, 0.30, 0.70, floorBroken: true);
        for (var i = 0; i < 10; i++)
        {
            b = budget.Update(1, 0.30, b, floorBroken: true);
        }

        Assert.True(budget.Compensation > 0.2);

        // The victim's share rises over its target (less loss now): the compensation is given back.
        for (var i = 0; i < 40; i++)
        {
            b = budget.Update(1, 1 - b, b, floorBroken: false);
        }

        Assert.Equal(0.48, b, 3);
        Assert.Equal(0, budget.Compensation, 3);
    }

    [Fact]
    public void Update_VictimWantsLessThanItsFloor_TighteningBounded()
    {
        var budget = new FloorBudget(0.70, 0.02);
        var b = budget.Update(1, 0.20, 0.80, floorBroken: true);
        for (var i = 0; i < 100; i++)
        {
            b = budget.Update(1, victim: 0.20, neighbours: b, floorBroken: true);
        }

        Assert.Equal(0.28 - FloorBudget.MaxCompensation, b, 6);
    }

    [Fact]
    public void Update_VictimBetweenFloorAndTarget_NotTightened()
    {
        var budget = new FloorBudget(0.70, 0.02);
        budget.Update(1, 0.50, 0.50, floorBroken: true);
        Assert.Equal(0.28, budget.Update(1, victim: 0.71, neighbours: 0.28, floorBroken: false), 6);
    }

    [Fact]
    public void Update_UntouchableTenantUsesSome_OnlyTheRestIsShared()
    {
        var budget = new FloorBudget(0.50, 0.02);
        Assert.Equal(0.28, budget.Update(0.80, 0.20, 0.60, floorBroken: true), 6);
    }
}
