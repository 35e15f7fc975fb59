namespace GpuQos.Enforcer.Planning;

/// <summary>
/// The feedback loop behind a throttle: it turns a target share and the share measured each interval into a
/// duty cycle. The update is multiplicative (a throttled process's share is roughly proportional to its duty
/// cycle). Small errors are corrected with <see cref="Gain"/>, so measurement noise does not make it
/// oscillate; an error larger than <see cref="AttackError"/> above the target is corrected in full at once,
/// because a tenant far over its share is starving someone now. A tenant that wants less than its target
/// drives the duty cycle to 1, which is how the throttle knows it no longer bites.
/// </summary>
public sealed class ShareController
{
    // Below this duty cycle the throttle, not the GPU's scheduler, is taken to be what limits the tenant.
    private const double BindingDuty = 0.9;

    private readonly double _minDuty;

    /// <summary>Creates a controller starting from a first guess.</summary>
    /// <param name="target">Target share (0..1).</param>
    /// <param name="measured">The share measured before throttling.</param>
    /// <param name="minDuty">The least duty cycle allowed.</param>
    public ShareController(double target, double measured, double minDuty)
    {
        _minDuty = Math.Clamp(minDuty, 0, 1);
        Target = target;

        // First guess: the share scales with the duty cycle.
        Duty = Math.Clamp(measured > 1e-6 ? target / measured : 1, _minDuty, 1);
    }

    /// <summary>Damping of each correction (0..1); 0.5 settles in a few intervals and rides over noise.</summary>
    public double Gain { get; init; } = 0.5;

    /// <summary>How far above the target (in share) the measured share must be for a full, undamped correction.</summary>
    public double AttackError { get; init; } = 0.03;

    /// <summary>The share the controller holds the tenant to.</summary>
    public double Target { get; set; }

    /// <summary>The duty cycle to apply now (0..1).</summary>
    public double Duty { get; private set; }

    /// <summary>True when the controller has let go entirely and the tenant still stays under its target.</summary>
    public bool Slack { get; private set; }

    /// <summary>Feeds one measurement; returns the new duty cycle.</summary>
    /// <param name="measured">The tenant's share this interval.</param>
    /// <param name="urgent">
    /// Someone is being starved now (a floor is broken): correct in full even a small error. Several
    /// neighbours each a little over their caps add up to a large shortfall for the victim, which a damped
    /// correction per neighbour would leave in place for several intervals.
    /// </param>
    public double Update(double measured, bool urgent = false)
    {
        var wanted = measured > 1e-6 ? Duty * Target / measured : 1;

        // Far over target: where the duty cycle is not what limits the tenant (the scheduler gives it less than
        // its duty anyway) the proportional model overestimates the duty needed, so never start above the
        // target itself. A share can only exceed its duty cycle by measurement noise, so this never undershoots by more than the
        // scheduler's own limit, which the damped branch then recovers.
        // Once the duty cycle clearly binds (well under 1), the measurement calibrates the proportional model, and
        // capping at the target would undershoot for a tenant of several processes (its share is below its duty),
        // so every noisy sample over the attack threshold would knock its duty down and bias it under its cap.
        if (measured > Target + AttackError || (urgent && measured > Target))
        {
            Duty = Math.Clamp(Duty < BindingDuty ? wanted : Math.Min(wanted, Target), _minDuty, 1);
        }
        else
        {
            Duty = Math.Clamp(Duty + (Gain * (wanted - Duty)), _minDuty, 1);
        }

        Slack = Duty >= 0.999 && measured < Target;
        return Duty;
    }
}
