namespace GpuQos.Enforcer.Planning;

/// <summary>
/// The least intervention that meets a floor: how much SM time the throttled neighbours may have together
/// (the budget) so that the floor's tenant gets its floor plus the hysteresis, and not more.
/// </summary>
/// <remarks>
/// <para>
/// The budget starts at what the floor leaves: the capacity the throttle may share out (the GPU less what
/// tenants it may not touch use) minus floor + hysteresis. It is then corrected from measurements only, never
/// from the victim's own share taken as its demand: a victim's share is raised by the throttle itself, so
/// reading it as demand would let the victim claim whatever it was given.
/// </para>
/// <para>
/// Each cycle the victim's share is compared with the target after taking out the neighbours' own tracking
/// error (what they use over or under the budget is their duty-cycle loop's to correct, not the budget's):
/// <c>error = victim + (neighbours − budget) − target</c>. On a GPU that loses nothing, victim + neighbours
/// is the whole capacity and the error is zero at the initial budget. Capacity lost to context switches, or
/// work queued before a stop, makes the error negative, and the budget is tightened by it: the loss is
/// measured by its effect, never assumed. The budget is lifted whenever the victim has more than the target
/// (it is given back to the neighbours), and tightened only while the floor itself is broken, so a victim that
/// sits between its floor and the target, or wants less than its floor, is not paid for by a neighbour
/// throttled ever harder. Tightening stops <see cref="MaxCompensation"/> below the initial budget.
/// </para>
/// </remarks>
public sealed class FloorBudget
{
    /// <summary>The most the budget is ever tightened below what the floor leaves, as a share of the GPU.</summary>
    public const double MaxCompensation = 0.25;

    private readonly double _gain;

    /// <summary>Creates the budget for a floor.</summary>
    /// <param name="floor">The guaranteed share (0..1).</param>
    /// <param name="hysteresis">The policy's hysteresis; the victim is held at floor + hysteresis.</param>
    /// <param name="gain">Damping of each correction (0..1].</param>
    public FloorBudget(double floor, double hysteresis, double gain = 0.5)
    {
        Floor = Math.Clamp(floor, 0, 1);
        Target = Math.Clamp(floor + Math.Max(0, hysteresis), 0, 1);
        _gain = Math.Clamp(gain, 0.01, 1);
    }

    /// <summary>The floor.</summary>
    public double Floor { get; }

    /// <summary>The share the victim is held at: floor + hysteresis.</summary>
    public double Target { get; }

    /// <summary>What the throttled neighbours may use together now; null before the first <see cref="Update"/>.</summary>
    public double? Budget { get; private set; }

    /// <summary>The capacity the budget is below what the floor leaves, as measured so far (0 on a GPU that loses nothing).</summary>
    public double Compensation { get; private set; }

    /// <summary>Feeds one cycle's measurements; returns the neighbours' budget.</summary>
    /// <param name="available">The capacity the throttle may share out: 1 less what untouchable tenants use.</param>
    /// <param name="victim">The victim's share this cycle.</param>
    /// <param name="neighbours">The throttled neighbours' share this cycle, together.</param>
    /// <param name="floorBroken">Whether the floor's objective is violated now (its windowed share under the floor).</param>
    public double Update(double available, double victim, double neighbours, bool floorBroken)
    {
        available = Math.Clamp(available, 0, 1);
        var leaves = Math.Max(0, available - Target);

        // The first cycle is judged as if the neighbours already held what the floor leaves: a GPU that delivers
        // less than its capacity (shares summing to well under 1) is measured from the start, not after a first
        // plan that throttles nobody because every neighbour is already under its share of a capacity that is not there.
        var budget = Budget ?? leaves;
        var error = victim + (neighbours - budget) - Target;
        if (error > 0 || floorBroken)
        {
            Compensation = Math.Clamp(Compensation - (_gain * error), 0, MaxCompensation);
        }

        Budget = Math.Max(0, leaves - Compensation);
        return Budget.Value;
    }
}
