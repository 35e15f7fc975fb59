using GpuQos.Enforcer.Evaluation;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Tests.TestSupport;
using GpuQos.Enforcer.Workload;

namespace GpuQos.Enforcer.Tests.Engine;

public sealed class WorkloadObjectiveEngineTests
{
    private static readonly WorkloadSource _source = new(WorkloadSource.Scrape, "http://127.0.0.1:9/metrics");

    private static PolicyOptions Policy() => new()
    {
        Name = "search-p99",
        Tenant = "search",
        Gpus = [1],
        For = TimeSpan.FromSeconds(2),
        Objectives =
        [
            new ObjectiveOptions
            {
                Type = KnownPolicyTypes.Objectives.Latency,
                Source = _source.ToString(),
                Metric = "rpc_seconds",
                Quantile = 0.99,
                Latency = TimeSpan.FromMilliseconds(50),
                Window = TimeSpan.FromSeconds(5),
            },
        ],
        Actions = [new ActionOptions { Type = KnownPolicyTypes.Actions.Throttle }],
    };

    [Fact]
    public void Evaluate_LatencyOverTargetInTheServersOwnHistogram_BreachesThePolicy()
    {
        using var host = new SimHost([Policy()]);
        double fast = 0, slow = 0;
        for (var i = 0; i < 8; i++)
        {
            // 90 requests under 10 ms and 10 in (100, 500] ms a second: p99 near 460 ms.
            fast += 90;
            slow += 10;
            host.Workload.Add(_source, Reading(host, fast, slow));
            host.Tick();
        }

        var status = Assert.Single(host.Enforcer.Status());
        var latency = Assert.Single(status.Objectives);
        Assert.True(latency.Violated);
        Assert.InRange(latency.Value!.Value, 0.1, 0.5);
        Assert.Equal(0.05, latency.Target, 9);
        Assert.Equal(1, status.Breaches);
        Assert.NotEqual(SlaState.Ok, status.State);
    }

    [Fact]
    public void Evaluate_SourceUnreadable_ObjectiveUnknownAndThePolicyNeverBreaches()
    {
        using var host = new SimHost([Policy()]);
        for (var i = 0; i < 8; i++)
        {
            host.Workload.Fail(_source, "connection refused");
            host.Tick();
        }

        var status = Assert.Single(host.Enforcer.Status());
        Assert.Null(Assert.Single(status.Objectives).Value);
        Assert.Equal(0, status.Breaches);
        Assert.Equal(SlaState.Ok, status.State);
        var source = Assert.Single(host.Workload.Status());
        Assert.Equal(8, source.Failures);
        Assert.Equal(8, source.Unknown);
    }

    [Fact]
    public void Evaluate_SlowThenUnreadableThenFast_CountsViolatedAndMetSecondsAndLeavesUnknownOut()
    {
        using var host = new SimHost([Policy()]);
        double fast = 0, slow = 0;
        var (met, violated, unknown) = (0, 0, 0);
        var first = true;
        void Tick(Action read)
        {
            read();
            host.Tick();

            // Each second between two evaluations counts for the result at its end; the first evaluation has none before it.
            var result = Assert.Single(Assert.Single(host.Enforcer.Status()).Objectives);
            if (first)
            {
                first = false;
            }
            else if (result.Violated)
            {
                violated++;
            }
            else if (result.Value is not null)
            {
                met++;
            }
            else
            {
                unknown++;
            }
        }

        // Slow (p99 near 460 ms against 50 ms), then the source goes away, then fast (every request under 10 ms).
        for (var i = 0; i < 6; i++)
        {
            Tick(() => host.Workload.Add(_source, Reading(host, fast += 90, slow += 10)));
        }

        // Longer than the 5 s window, so that it runs out of reads.
        for (var i = 0; i < 9; i++)
        {
            Tick(() => host.Workload.Fail(_source, "connection refused"));
        }

        for (var i = 0; i < 12; i++)
        {
            Tick(() => host.Workload.Add(_source, Reading(host, fast += 100, slow)));
        }

        Assert.True(violated >= 3 && met >= 3 && unknown >= 2, $"met {met}, violated {violated}, unknown {unknown}");
        var seconds = Assert.Single(Assert.Single(host.Enforcer.Status()).ObjectiveSeconds);
        Assert.Equal(violated, seconds.Violated, 6);
        Assert.Equal(met, seconds.Met, 6);
    }

    private static WorkloadReading Reading(SimHost host, double fast, double slow) => new(host.Time.GetUtcNow().AddSeconds(1),
    [
        Bucket("0.01", fast),
        Bucket("0.1", fast),
        Bucket("0.5", fast + slow),
        Bucket("+Inf", fast + slow),
    ]);

    private static ExposedSample Bucket(string le, double count) =>
        new("rpc_seconds_bucket", new Dictionary<string, string>(StringComparer.Ordinal) { ["le"] = le }, count);
}
