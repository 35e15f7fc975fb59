using GpuQos.Enforcer.Evaluation;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Planning;

/// <summary>
/// The least intervention that holds a latency (or throughput) objective: how much SM time the throttled
/// neighbours may have together, moved on the workload's own measurement. Latency is not linear in share
/// (queueing makes it blow up as the service's share nears its load), so no model gives the budget; the loop
/// finds it.
/// </summary>
/// <remarks>
/// <para>
/// Violated: the budget is cut multiplicatively, by the ratio of target to value raised to
/// <see cref="CutGain"/> (throughput: value to target, a rate being near proportional to share), clamped to
/// [<see cref="DeepestCut"/>, <see cref="ShallowestCut"/>]: a proportional step on the logarithm of latency. The gain is above 1 because a tail latency is flat in the
/// neighbours' share far from the service's knee and steep near it; a cut by the bare ratio lands far above the
/// knee and the loop then creeps down a window at a time.
/// </para>
/// <para>
/// Met with the policy's hysteresis to spare: the budget grows, handing capacity back until the neighbours no
/// longer want more (the throttle goes slack and is lifted). Below the budget last cut (the
/// <see cref="Ceiling"/>, a level known to violate), it grows by a quarter of the way there, at least
/// <see cref="FinestStep"/> and at most <see cref="Step"/>, so it approaches the knee from below and stops in the
/// hysteresis band rather than stepping over a band that is narrow in share; past the ceiling, where the load
/// must have fallen, by <see cref="Step"/>. Inside the hysteresis band (latency): below <see cref="ProbeStop"/> of the
/// ceiling it probes a quarter of the way there, since a band that is flat in share says nothing of how much the
/// neighbours may have, and each crossing of the knee lowers the ceiling, so the probing damps out; otherwise, or
/// when unknown, it holds, which is what keeps a settled loop from oscillating beyond the band. A latency quantile
/// read from a histogram counts the window's requests: when their rate falls below <see cref="LoadFallen"/> of the
/// rate at the last cut, the ceiling is forgotten (the knee has moved up with the fallen load), and inside the band the
/// budget then grows by <see cref="Step"/> until a cut finds the knee at the new load.
/// </para>
/// <para>
/// The objective's value is taken over its window, so a change of budget shows in it only gradually. Each move
/// is therefore followed by a dwell of half the window before the next. A cut is followed by a dwell of the
/// whole window before the next cut: a quantile over a window that still holds reads from before the cut is
/// set by their tail, so one spike (a request delayed by anything on the host) would be answered twice,
/// halving an already halved budget, and the give-back would then have to climb twice as far.
/// </para>
/// </remarks>
public sealed class LatencyBudget
{
    /// <summary>The largest cut in one move (the budget is multiplied by at least this).</summary>
    public const double DeepestCut = 0.5;

    /// <summary>The smallest cut in one move.</summary>
    public const double ShallowestCut = 0.9;

    /// <summary>The exponent on target ÷ value in a latency cut: the gain of the proportional step on log latency.</summary>
    public const double CutGain = 3;

    /// <summary>The least one give-back below the <see cref="Ceiling"/> hands back, as a share of the GPU.</summary>
    public const double FinestStep = 0.01;

    /// <summary>How close to the <see cref="Ceiling"/> (a fraction of it) a probe from inside the band may come.</summary>
    public const double ProbeStop = 0.1;

    /// <summary>
    /// The fraction of the request rate over the window when the <see cref="Ceiling"/> was set below which the load
    /// has fallen, so the ceiling no longer says where the knee is. A rate, not a count: a 4 s window read once a
    /// second spans 3 s or 4 s of reads, a quarter apart.
    /// </summary>
    public const double LoadFallen = 0.75;

    private readonly TimeSpan _window;
    private DateTimeOffset? _lastMove;
    private DateTimeOffset? _lastCut;
    private double? _ceilingRate;

    /// <summary>Creates the budget for an objective evaluated over <paramref name="window"/>.</summary>
    /// <param name="window">The objective's window.</param>
    /// <param name="step">What one increase hands back at most, as a share of the GPU.</param>
    public LatencyBudget(TimeSpan window, double step = 0.05)
    {
        _window = window;
        Step = Math.Clamp(step, FinestStep, 1);
    }

    /// <summary>What one increase hands back at most, as a share of the GPU.</summary>
    public double Step { get; }

    /// <summary>What the throttled neighbours may use together now; null before the first <see cref="Update"/>.</summary>
    public double? Budget { get; private set; }

    /// <summary>The budget the last cut was made from, a level known to violate; null before the first cut, and once the load has fallen since.</summary>
    public double? Ceiling { get; private set; }

    /// <summary>Feeds one cycle; returns the neighbours' budget.</summary>
    /// <param name="now">The cycle's time.</param>
    /// <param name="result">The latency or throughput objective as evaluated this cycle.</param>
    /// <param name="available">The capacity the throttle may share out: 1 less what untouchable tenants use.</param>
    /// <param name="neighbours">What the throttled neighbours use together this cycle: the budget's start.</param>
    public double Update(DateTimeOffset now, ObjectiveResult result, double available, double neighbours)
    {
        available = Math.Clamp(available, 0, 1);
        var budget = Math.Min(Budget ?? Math.Clamp(neighbours, 0, 1), available);
        var settled = _lastMove is not { } last || now - last >= _window / 2;
        if (result.Tail?.Rate is { } rate && _ceilingRate is { } atCeiling && rate < atCeiling * LoadFallen)
        {
            // The ceiling was a level that violated at a load the service no longer has; the knee has moved up.
            Ceiling = null;
            _ceilingRate = null;
        }

        if (result.Value is { } value && settled)
        {
            if (result.Violated && (_lastCut is not { } cut || now - cut >= _window))
            {
                // A rate is near proportional to the share the service gets, so its shortfall is cut by the bare ratio.
                var factor = result.Type == KnownPolicyTypes.Objectives.Throughput
                    ? value / Math.Max(result.Target, 1e-12)
                    : Math.Pow(result.Target / Math.Max(value, 1e-12), CutGain);
                Ceiling = budget;
                _ceilingRate = result.Tail?.Rate;
                budget *= Math.Clamp(factor, DeepestCut, ShallowestCut);
                _lastMove = now;
                _lastCut = now;
            }
            else if (result.Clear && budget < available)
            {
                budget = Math.Min(available, budget + GiveBack(budget));
                _lastMove = now;
            }
            else if (Probes(result, value, budget, available))
            {
                budget = Math.Min(available, budget + (Ceiling is { } ceiling ? (ceiling - budget) / 4 : Step));
                _lastMove = now;
            }
        }

        Budget = Math.Clamp(budget, 0, available);
        return Budget.Value;
    }

    // Inside the band (met, without the margin) and well below the last level that violated: the value is flat in
    // share here (a tail set by something other than the neighbours' share, far from the knee), so the band says
    // nothing about how much more the neighbours may have. Probe a quarter of the way to the ceiling, in steps that
    // shrink with the gap, and stop within ProbeStop of it: a probe that crosses the knee is cut, and the cut
    // lowers the ceiling to where it crossed, so each crossing brings the ceiling closer to the knee and the
    // probing stops below it after a few. When the load has fallen since the last cut (the window's request rate is
    // under LoadFallen of the rate then), that level no longer says where the knee is, and at the fallen load
    // a tail set by the neighbours' slices can sit in the band at any share: probe by a whole step until a cut
    // finds the knee at this load. (Every cut sets the ceiling, so a cut made and no ceiling means the load fell.)
    private bool Probes(ObjectiveResult result, double value, double budget, double available) =>
        !result.Violated && !result.Clear && value <= result.Target && result.Type != KnownPolicyTypes.Objectives.Throughput
        && budget < available
        && (Ceiling is { } ceiling ? budget < ceiling * (1 - ProbeStop) : _lastCut is not null);

    // Below the ceiling, a quarter of the way to it: the knee lies somewhere below, and a hysteresis band that is
    // wide in latency is narrow in share there, so a full step would jump it and be cut again (a limit cycle).
    private double GiveBack(double budget) =>
        Ceiling is { } ceiling && budget < ceiling ? Math.Clamp((ceiling - budget) / 4, FinestStep, Step) : Step;
}
