using GpuQos.Enforcer.Planning;

namespace GpuQos.Enforcer.Tests.Planning;

public sealed class ShareControllerTests
{
    /// <summary>Two equal processes on one core: while both run each gets half, so A's share is duty / 2.</summary>
    private static double SharedCore(double duty) => duty * 0.5;

    [Theory]
    [InlineData(0.10)]
    [InlineData(0.30)]
    [InlineData(0.45)]
    public void Update_ProportionalPlant_ConvergesWithin1ppIn10Steps(double target)
    {
        var c = new ShareController(target, measured: 0.5, minDuty: 0.05);
        for (var i = 0; i < 10; i++)
        {
            c.Update(SharedCore(c.Duty));
        }

        Assert.InRange(SharedCore(c.Duty), target - 0.01, target + 0.01);
        Assert.False(c.Slack);
    }

    [Fact]
    public void Update_DutyBindsAndOneNoisySampleOverTheAttackThreshold_ProportionalCorrectionNotTheTarget()
    {
        // A tenant of two processes against one victim process: it gets two thirds of the time it runs, so 0.48
        // takes a duty of 0.72. Capping the duty at the target on every noisy sample knocked it down to 0.48.
        static double Plant(double duty) => duty * 2 / 3;
        var c = new ShareController(0.48, measured: 0.67, minDuty: 0.05);
        for (var i = 0; i < 20; i++)
        {
            c.Update(Plant(c.Duty));
        }

        Assert.InRange(c.Duty, 0.71, 0.73);
        c.Update(0.52);
        Assert.InRange(c.Duty, 0.65, 0.68);
    }

    [Fact]
    public void Update_UrgentSmallErrorOverTarget_CorrectedInFullAtOnce()
    {
        var damped = new ShareController(0.30, measured: 0.60, minDuty: 0.05);
        var urgent = new ShareController(0.30, measured: 0.60, minDuty: 0.05);
        damped.Update(0.32);
        urgent.Update(0.32, urgent: true);

        // 0.32 is within the attack threshold of 0.30: damped, half the correction; urgent, all of it.
        Assert.Equal(0.5 * 0.30 / 0.32, urgent.Duty, 6);
        Assert.True(damped.Duty > urgent.Duty);
    }

    [Fact]
    public void Update_TenantWantsLessThanTarget_ReleasesToFullDutyAndReportsSlack()
    {
        var c = new ShareController(0.3, measured: 0.9, minDuty: 0.05);
        for (var i = 0; i < 20; i++)
        {
            c.Update(Math.Min(0.1, c.Duty));
        }

        Assert.Equal(1, c.Duty, 3);
        Assert.True(c.Slack);
    }

    [Fact]
    public void Update_NeverBelowMinimumDuty()
    {
        var c = new ShareController(0.01, measured: 1, minDuty: 0.2);
        c.Update(1);
        Assert.Equal(0.2, c.Duty, 6);
    }
}
