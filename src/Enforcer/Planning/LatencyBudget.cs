using GpuQos.Enforcer.Evaluation;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Planning;

/// <summary>
/// The least intervention that holds a latency (or throughput) objective: how much SM time the throttled
/// neighbours may have together, moved by AIMD on the workload's own measurement. Latency is not linear in
/// share (queueing makes it blow up as the service's share nears its load), so no model gives the budget;
/// the loop finds it.
/// </summary>
/// <remarks>
/// <para>
/// Violated: the budget is cut multiplicatively, by the ratio of target to value (throughput: value to target)
/// clamped to [<see cref="DeepestCut"/>, <see cref="ShallowestCut"/>], so a large violation is answered at once
/// and a small one gently. Met with the policy's hysteresis to spare: the budget grows by
/// <see cref="Step"/> of the GPU, handing capacity back until the neighbours no longer want more (the throttle
/// goes slack and is lifted). Inside the hysteresis band, or unknown: it holds, which is what keeps a settled
/// loop from oscillating beyond the band.
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

    private readonly TimeSpan _window;
    private DateTimeOffset? _lastMove;
    private DateTimeOffset? _lastCut;

    /// <summary>Creates the budget for an objective evaluated over <paramref name="window"/>.</summary>
    /// <param name="window">The objective's window.</param>
    /// <param name="step">What one increase hands back, as a share of the GPU.</param>
    public LatencyBudget(TimeSpan window, double step = 0.05)
    {
        _window = window;
        Step = Math.Clamp(step, 0.001, 1);
    }

    /// <summary>What one increase hands back, as a share of the GPU.</summary>
    public double Step { get; }

    /// <summary>What the throttled neighbours may use together now; null before the first <see cref="Update"/>.</summary>
    public double? Budget { get; private set; }

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
        if (result.Value is { } value && settled)
        {
            if (result.Violated && (_lastCut is not { } cut || now - cut >= _window))
            {
                var ratio = result.Type == KnownPolicyTypes.Objectives.Throughput
                    ? value / Math.Max(result.Target, 1e-12)
                    : result.Target / Math.Max(value, 1e-12);
                budget *= Math.Clamp(ratio, DeepestCut, ShallowestCut);
                _lastMove = now;
                _lastCut = now;
            }
            else if (result.Clear && budget < available)
            {
                budget = Math.Min(available, budget + Step);
                _lastMove = now;
            }
        }

        Budget = Math.Clamp(budget, 0, available);
        return Budget.Value;
    }
}
