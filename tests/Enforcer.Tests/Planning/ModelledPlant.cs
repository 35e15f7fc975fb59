using GpuQos.Enforcer.Evaluation;
using GpuQos.Enforcer.Planning;
using GpuQos.Enforcer.Policies;
using Xunit.Abstractions;

namespace GpuQos.Enforcer.Tests.Planning;

/// <summary>
/// A latency budget closed on a modelled plant: a service's p99 as a function of the burner's share, read once a
/// second, and the objective's value over its window the slowest second's p99 (a quantile over a window is set by
/// its slowest reads). The burner starts unthrottled and takes what the budget allows, up to its demand.
/// </summary>
/// <param name="P99">The service's p99 at a burner share, in seconds.</param>
/// <param name="Demand">What the burner takes unthrottled.</param>
/// <param name="Target">The objective's target, in seconds.</param>
/// <param name="Hysteresis">The policy's hysteresis.</param>
/// <param name="Window">The objective's window.</param>
internal sealed record ModelledPlant(Func<double, double> P99, double Demand, double Target, double Hysteresis, TimeSpan Window)
{
    private static readonly DateTimeOffset _t0 = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Runs the loop for <paramref name="seconds"/>; each second's p99 is off the plant's by up to ±<paramref name="noise"/> (a fraction).</summary>
    /// <param name="seconds">How long to run, one cycle a second.</param>
    /// <param name="noise">The largest relative error of one second's p99, and its source; none by default.</param>
    /// <param name="trace">Where to write each second, when there is no noise.</param>
    /// <returns>Each second's value over the window and the burner's share.</returns>
    public List<(double P99, double Budget)> Run(int seconds, (double Amplitude, Random Source)? noise = null, ITestOutputHelper? trace = null)
    {
        var budget = new LatencyBudget(Window);
        var perSecond = new Queue<double>(Enumerable.Repeat(P99(Demand), (int)Window.TotalSeconds));
        var run = new List<(double, double)>();
        var share = Demand;
        for (var t = 0; t < seconds; t++)
        {
            var value = perSecond.Max();
            var result = new ObjectiveResult(KnownPolicyTypes.Objectives.Latency, value, Target, value > Target, value <= Target * (1 - Hysteresis));
            share = Math.Min(Demand, budget.Update(_t0.AddSeconds(t), result, 1, share));
            perSecond.Dequeue();
            perSecond.Enqueue(P99(share) * (1 + (noise is { } n ? n.Amplitude * ((n.Source.NextDouble() * 2) - 1) : 0)));
            run.Add((value, share));
            if (noise is null)
            {
                trace?.WriteLine($"{t,3} s p99 {value * 1000:0.0} ms budget {share:0.000}");
            }
        }

        return run;
    }
}
