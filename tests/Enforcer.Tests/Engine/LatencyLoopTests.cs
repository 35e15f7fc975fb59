using System.Globalization;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Tests.TestSupport;
using GpuQos.Enforcer.Workload;
using Xunit.Abstractions;

namespace GpuQos.Enforcer.Tests.Engine;

/// <summary>
/// The latency loop on the simulated demo host: search's requests queue at the share of GPU 1 it gets (an
/// M/M/1 queue whose service rate is its share over a 5 ms request), its latency histogram is read as a scrape
/// would read it, and the noisy neighbour ramps up from 10 s. The policy is search's p99 ≤ 200 ms.
/// </summary>
public sealed class LatencyLoopTests(ITestOutputHelper output)
{
    private const double RequestCost = 0.005;
    private const double Target = 0.2;
    private static readonly WorkloadSource _source = new(WorkloadSource.Scrape, "http://127.0.0.1:9/metrics");
    private static readonly double[] _bounds = [.. Enumerable.Range(1, 60).Select(i => i * 0.025)];

    [Fact]
    public void Loop_NoisyNeighbour_ThrottledUntilP99IsUnderTarget_AndGivenBackWhenLoadFalls()
    {
        var policy = new PolicyOptions
        {
            Name = "search-p99",
            Tenant = "search",
            Gpus = [1],
            For = TimeSpan.FromSeconds(2),
            Hysteresis = 0.1,
            Cooldown = TimeSpan.FromSeconds(5),
            Objectives = [new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.Latency, Source = _source.ToString(), Metric = "rpc_seconds", Quantile = 0.99, Latency = TimeSpan.FromSeconds(Target), Window = TimeSpan.FromSeconds(5) }],
            Actions = [new ActionOptions { Type = KnownPolicyTypes.Actions.Throttle, Tenants = ["research"] }],
        };
        using var host = new SimHost([policy]);
        var counts = new double[_bounds.Length + 1];
        var trace = new List<(int T, double? P99, double Cap, double Share)>();
        for (var t = 0; t < 85; t++)
        {
            var lambda = t < 55 ? 30 : 10;
            var share = t == 0 ? 0.35 : host.Share("search", 1);
            AddSecond(counts, lambda, share);
            host.Workload.Add(_source, Reading(host, counts));
            host.Tick();
            var status = host.Enforcer.Status().Single();
            var cap = status.Holds.FirstOrDefault(h => h.Tenant == "research")?.Cap ?? 1;
            trace.Add((t, status.Objectives[0].Value, cap, host.Share("research", 1)));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{t,3} p99 {status.Objectives[0].Value:0.000} search {share:0.00} research {host.Share("research", 1):0.00} cap {cap:0.00} {status.State}"));
        }

        // Contended and acted on: within 10 s of the first throttle search's p99 is under target + 10%, and stays
        // there while the load holds, the neighbour held all along. (ads, which the policy may not touch, peaks
        // every 30 s and takes some of search's share back: the test spans one such peak.)
        var acted = trace.First(s => s.Cap < 1).T;
        Assert.Contains(trace, s => s.T < acted && s.P99 > Target);
        var settled = trace.Where(s => s.T >= acted + 10 && s.T < acted + 20).ToList();
        Assert.All(settled, s => Assert.True(s.P99 <= Target * 1.1, $"p99 {s.P99} at {s.T} s"));
        Assert.All(settled, s => Assert.True(s.Cap < 0.9, $"research not held at {s.T} s"));

        // The load on search falls at 55 s: research's cap rises again, and once it no longer binds the throttle is lifted.
        var before = trace.Single(s => s.T == 54).Cap;
        Assert.True(trace.Where(s => s.T is > 55 and < 75).Max(s => s.Cap) > before + 0.1, $"cap {before:0.00} at 54 s never rose");
        Assert.Equal(1, trace[^1].Cap);
        Assert.Empty(host.Enforcer.Status().Single().Actions);
    }

    // One second of requests at rate lambda: sojourn times exponential at mu - lambda, mu = share / cost.
    private static void AddSecond(double[] counts, double lambda, double share)
    {
        var spare = Math.Max((share / RequestCost) - lambda, Math.Log(100) / 1.5);
        for (var i = 0; i < _bounds.Length; i++)
        {
            counts[i] += lambda * (1 - Math.Exp(-spare * _bounds[i]));
        }

        counts[^1] += lambda;
    }

    private static WorkloadReading Reading(SimHost host, double[] counts) => new(host.Time.GetUtcNow().AddSeconds(1),
    [
        .. _bounds.Select((b, i) => Bucket(b.ToString(CultureInfo.InvariantCulture), counts[i])),
        Bucket("+Inf", counts[^1]),
    ]);

    private static ExposedSample Bucket(string le, double count) =>
        new("rpc_seconds_bucket", new Dictionary<string, string>(StringComparer.Ordinal) { ["le"] = le }, count);
}
