using GpuQos.Enforcer.Evaluation;
using GpuQos.Enforcer.Planning;
using GpuQos.Enforcer.Policies;
using Xunit.Abstractions;

namespace GpuQos.Enforcer.Tests.Planning;

/// <summary>
/// The AIMD budget against a queueing plant: a service of 10 ms requests at a fixed rate shares a processor
/// with a neighbour that would take 90% of it, and its p99 is that of an M/M/1 queue at the service rate its
/// share leaves, averaged over the objective's 5 s window as a histogram over the window would be.
/// </summary>
public sealed class LatencyBudgetTests(ITestOutputHelper output)
{
    private const double Service = 0.010;
    private const double Target = 0.100;
    private const double Hysteresis = 0.1;
    private const double NeighbourDemand = 0.9;
    private static readonly TimeSpan _window = TimeSpan.FromSeconds(5);
    private static readonly DateTimeOffset _t0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    // The neighbours' share at which the p99 is exactly the target at rate lambda: ln(100) / (mu - lambda) = target.
    private static double MostAllowed(double lambda) => 1 - (Service * (lambda + (Math.Log(100) / Target)));

    [Fact]
    public void Update_ContendedService_SettlesUnderTargetQuicklyAndHoldsNearTheMostItAllows()
    {
        var run = Run(lambda: t => 30, seconds: 90);

        // Settled: from then on within target + 10%.
        var settledAt = Enumerable.Range(0, run.Count).First(i => run.Skip(i).All(s => s.P99 <= Target * 1.1));
        output.WriteLine($"settled at {settledAt} s; most allowed {MostAllowed(30):0.000}");
        Assert.InRange(settledAt, 0, 15);

        // Once settled, the neighbours get close to what the target allows, and the budget does not swing wide.
        var late = run.Skip(30).ToList();
        var mean = late.Average(s => s.Budget);
        output.WriteLine($"budget after 30 s: mean {mean:0.000}, min {late.Min(s => s.Budget):0.000}, max {late.Max(s => s.Budget):0.000}");
        Assert.InRange(mean, MostAllowed(30) - 0.05, MostAllowed(30) + 0.01);
        Assert.InRange(late.Max(s => s.Budget) - late.Min(s => s.Budget), 0, 0.1);
    }

    [Fact]
    public void Update_LoadFalls_BudgetRisesToWhatTheLowerLoadAllows()
    {
        var run = Run(lambda: t => t < 40 ? 30 : 5, seconds: 100);

        // Under load the neighbour is held near 0.24; at 5 requests/s the target allows it 0.49.
        Assert.InRange(run[39].Budget, 0, MostAllowed(30) + 0.01);
        Assert.InRange(run[^1].Budget, MostAllowed(5) - 0.05, MostAllowed(5) + 0.01);
        Assert.All(run.Skip(45), s => Assert.True(s.P99 <= Target * 1.1, $"p99 {s.P99:0.000} at budget {s.Budget:0.000}"));
    }

    [Fact]
    public void Update_UnknownValue_Holds()
    {
        var budget = new LatencyBudget(_window);
        budget.Update(_t0, new ObjectiveResult(KnownPolicyTypes.Objectives.Latency, 0.5, Target, true, false), 1, 0.8);
        var held = budget.Budget;

        budget.Update(_t0.AddSeconds(10), new ObjectiveResult(KnownPolicyTypes.Objectives.Latency, null, Target, false, false), 1, 0.8);

        Assert.Equal(held, budget.Budget);
        Assert.Equal(0.4, held!.Value, 9);
    }

    [Fact]
    public void Update_OneSpikeStillInTheWindow_IsAnsweredByOneCutNotTwo()
    {
        // One request delayed 0.5 s sets the p99 over the window for as long as it stays in it (5 s). Half a
        // window after the cut the value still holds it, and says nothing yet about the cut budget.
        var budget = new LatencyBudget(_window);
        var spike = new ObjectiveResult(KnownPolicyTypes.Objectives.Latency, 0.5, Target, true, false);
        budget.Update(_t0, spike, 1, 0.4);
        Assert.Equal(0.2, budget.Budget!.Value, 9);

        budget.Update(_t0.AddSeconds(2.5), spike, 1, 0.2);
        Assert.Equal(0.2, budget.Budget!.Value, 9);

        // A violation measured wholly after the cut is answered.
        budget.Update(_t0.AddSeconds(5), new ObjectiveResult(KnownPolicyTypes.Objectives.Latency, 0.2, Target, true, false), 1, 0.2);
        Assert.Equal(0.1, budget.Budget!.Value, 9);
    }

    [Fact]
    public void Update_ThroughputBelowMinimum_CutsByTheShortfall()
    {
        var budget = new LatencyBudget(_window);

        budget.Update(_t0, new ObjectiveResult(KnownPolicyTypes.Objectives.Throughput, 800, 1000, true, false), 1, 0.6);

        Assert.Equal(0.48, budget.Budget!.Value, 9);
    }

    private static List<(double P99, double Budget)> Run(Func<int, double> lambda, int seconds)
    {
        var budget = new LatencyBudget(_window);
        var instants = new Queue<double>(Enumerable.Repeat(P99(NeighbourDemand, lambda(0)), (int)_window.TotalSeconds));
        var run = new List<(double, double)>();
        var share = NeighbourDemand;
        for (var t = 0; t < seconds; t++)
        {
            var value = instants.Average();
            var result = new ObjectiveResult(KnownPolicyTypes.Objectives.Latency, value, Target, value > Target, value <= Target * (1 - Hysteresis));
            share = Math.Min(NeighbourDemand, budget.Update(_t0.AddSeconds(t), result, 1, share));
            instants.Dequeue();
            instants.Enqueue(P99(share, lambda(t)));
            run.Add((value, share));
        }

        return run;
    }

    private static double P99(double neighbours, double lambda)
    {
        var mu = (1 - neighbours) / Service;
        return mu - lambda <= Math.Log(100) / 2 ? 2 : Math.Log(100) / (mu - lambda);
    }
}
