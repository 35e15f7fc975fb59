using GpuQos.Enforcer.Evaluation;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Workload;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Enforcer.Tests.Workload;

public sealed class WorkloadObjectiveEvaluatorTests
{
    private static readonly WorkloadSource _scrape = new(WorkloadSource.Scrape, "http://127.0.0.1:9/metrics");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly WorkloadReadings _readings;

    public WorkloadObjectiveEvaluatorTests() => _readings = new WorkloadReadings(_time);

    private static ObjectiveOptions P99(double targetMs, int? minSamples = null, string unit = "seconds", double? confidence = null) => new()
    {
        Type = KnownPolicyTypes.Objectives.Latency,
        Source = _scrape.ToString(),
        Metric = "rpc_seconds",
        Selector = new() { ["route"] = "/search" },
        Quantile = 0.99,
        Latency = TimeSpan.FromMilliseconds(targetMs),
        Window = TimeSpan.FromSeconds(10),
        MinSamples = minSamples,
        Unit = unit,
        Confidence = confidence,
    };

    [Fact]
    public void Latency_P99AboveTarget_IsViolatedFromBucketDeltasNotTotals()
    {
        // Before the window: 1000 fast requests. In the window: 100, of which 5 took (50, 100] ms.
        Add(fast: 1000, slow: 0, other: 0);
        _time.Advance(TimeSpan.FromSeconds(5));
        Add(fast: 1095, slow: 5, other: 500);

        var result = WorkloadObjectiveEvaluator.Evaluate(P99(60), _readings, 0.05);

        // Rank 99 of 100 lies 4 of 5 into (0.05, 0.1]: 90 ms. Over the totals it would be 10 ms or less. Of the 5
        // slow requests 4 are over 60 ms (interpolated); by chance a p99 leaves 4 or more over in 1.8% of windows.
        Assert.Equal(0.09, result.Value!.Value, 9);
        Assert.True(result.Violated);
        Assert.False(result.Clear);
        Assert.Equal(new TailCount(100, 4, true, 5), result.Tail);
        Assert.Equal(20, result.Tail!.Value.Rate!.Value, 9);
    }

    [Fact]
    public void Latency_P99AboveTargetByChance_IsNeitherViolatedNorClear_UnlessConfidenceIsZero()
    {
        // 2 of 100 in (50, 100] ms: p99 75 ms over a 60 ms target, but 2 over (1.6, interpolated) is what a p99
        // at the target leaves in 26% of windows. The objective holds: no cut on one slow request, no give-back.
        Add(fast: 0, slow: 0, other: 0);
        _time.Advance(TimeSpan.FromSeconds(5));
        Add(fast: 98, slow: 2, other: 0);

        var result = WorkloadObjectiveEvaluator.Evaluate(P99(60), _readings, 0.05);
        var estimateAlone = WorkloadObjectiveEvaluator.Evaluate(P99(60, confidence: 0), _readings, 0.05);

        Assert.Equal(0.075, result.Value!.Value, 9);
        Assert.False(result.Violated);
        Assert.False(result.Clear);
        Assert.Equal(1.6, result.Tail!.Value.Over, 9);
        Assert.False(result.Tail!.Value.Significant);
        Assert.Equal("2 of 100 requests over, within chance", result.Tail!.Value.ToString());
        Assert.True(estimateAlone.Violated);
    }

    [Fact]
    public void Latency_P99UnderTargetBeyondHysteresis_IsClear()
    {
        Add(fast: 0, slow: 0, other: 0);
        _time.Advance(TimeSpan.FromSeconds(5));
        Add(fast: 100, slow: 0, other: 0);

        var result = WorkloadObjectiveEvaluator.Evaluate(P99(60), _readings, 0.05);

        Assert.Equal(0.0099, result.Value!.Value, 9);
        Assert.False(result.Violated);
        Assert.True(result.Clear);
    }

    [Fact]
    public void Latency_TooFewRequests_IsUnknownAndCountedWithTheReason()
    {
        Add(fast: 0, slow: 0, other: 0);
        _time.Advance(TimeSpan.FromSeconds(5));
        Add(fast: 3, slow: 1, other: 0);

        var result = WorkloadObjectiveEvaluator.Evaluate(P99(60, minSamples: 10), _readings, 0.05);

        Assert.Null(result.Value);
        Assert.False(result.Violated);
        Assert.False(result.Clear);
        var status = Assert.Single(_readings.Status());
        Assert.Equal(1, status.Unknown);
        Assert.Contains("4 request(s) in the window; minSamples is 10", status.LastUnknown, StringComparison.Ordinal);
    }

    [Fact]
    public void Latency_OneReadInTheWindow_IsUnknown()
    {
        Add(fast: 0, slow: 0, other: 0);
        _time.Advance(TimeSpan.FromSeconds(30));
        Add(fast: 1000, slow: 0, other: 0);
        _time.Advance(TimeSpan.FromSeconds(11));

        var result = WorkloadObjectiveEvaluator.Evaluate(P99(60), _readings, 0.05);

        Assert.Null(result.Value);
        Assert.Contains("2 are needed", _readings.Status()[0].LastUnknown, StringComparison.Ordinal);
    }

    [Fact]
    public void Latency_FailedReads_LeaveTheObjectiveUnknownNotMet()
    {
        _readings.Fail(_scrape, "connection refused");
        _readings.Fail(_scrape, "connection refused");

        var result = WorkloadObjectiveEvaluator.Evaluate(P99(60), _readings, 0.05);

        Assert.Null(result.Value);
        Assert.False(result.Violated || result.Clear);
        Assert.Equal(2, _readings.Status()[0].Failures);
    }

    [Fact]
    public void Latency_NoQuantile_IsTheMeanOfSumOverCount_InTheMetricsUnit()
    {
        // Triton-style microseconds: 50 requests took 2,500,000 µs in the window: 50 ms each.
        _readings.Add(_scrape, Reading(("rpc_seconds_sum", 1e6), ("rpc_seconds_count", 10)));
        _time.Advance(TimeSpan.FromSeconds(5));
        _readings.Add(_scrape, Reading(("rpc_seconds_sum", 3.5e6), ("rpc_seconds_count", 60)));
        var mean = new ObjectiveOptions
        {
            Type = KnownPolicyTypes.Objectives.Latency,
            Source = _scrape.ToString(),
            Metric = "rpc_seconds",
            Latency = TimeSpan.FromMilliseconds(40),
            Window = TimeSpan.FromSeconds(10),
            Unit = "microseconds",
        };

        var result = WorkloadObjectiveEvaluator.Evaluate(mean, _readings, 0);

        Assert.Equal(0.05, result.Value!.Value, 9);
        Assert.True(result.Violated);
    }

    [Fact]
    public void Throughput_CounterRateBelowMinimum_IsViolated()
    {
        _readings.Add(_scrape, Reading(("samples_total", 100)));
        _time.Advance(TimeSpan.FromSeconds(4));
        _readings.Add(_scrape, Reading(("samples_total", 500)));
        var throughput = new ObjectiveOptions
        {
            Type = KnownPolicyTypes.Objectives.Throughput,
            Source = _scrape.ToString(),
            Metric = "samples",
            Rate = 120,
            Window = TimeSpan.FromSeconds(10),
        };

        var result = WorkloadObjectiveEvaluator.Evaluate(throughput, _readings, 0.05);

        Assert.Equal(100, result.Value!.Value, 9);
        Assert.True(result.Violated);
        Assert.Equal(120, result.Target);
    }

    [Fact]
    public void Prometheus_SelectorPicksOneSeries_ItsValueIsTheObjectives()
    {
        var source = new WorkloadSource(WorkloadSource.Prometheus, "histogram_quantile(0.99, sum by (le, model) (rate(x_bucket[1m])))");
        _readings.Add(source, new WorkloadReading(_time.GetUtcNow(), [Labelled("model", "a", 0.2), Labelled("model", "b", 0.03)]));
        var objective = new ObjectiveOptions
        {
            Type = KnownPolicyTypes.Objectives.Latency,
            Source = source.ToString(),
            Selector = new() { ["model"] = "b" },
            Latency = TimeSpan.FromMilliseconds(50),
            Window = TimeSpan.FromSeconds(10),
        };

        var picked = WorkloadObjectiveEvaluator.Evaluate(objective, _readings, 0.05);
        var ambiguous = WorkloadObjectiveEvaluator.Evaluate(new ObjectiveOptions { Type = objective.Type, Source = objective.Source, Latency = objective.Latency, Window = objective.Window }, _readings, 0.05);

        Assert.Equal(0.03, picked.Value);
        Assert.False(picked.Violated);
        Assert.Null(ambiguous.Value);
        Assert.Contains("2 series", _readings.Status()[0].LastUnknown, StringComparison.Ordinal);
    }

    [Fact]
    public void NoReadings_EveryWorkloadObjectiveIsUnknown()
    {
        var result = WorkloadObjectiveEvaluator.Evaluate(P99(60), null, 0.05);

        Assert.Null(result.Value);
        Assert.False(result.Violated || result.Clear);
    }

    // Cumulative histogram of route=/search: fast ≤ 10 ms, slow in (50, 100] ms; "other" is another route's +Inf.
    private void Add(double fast, double slow, double other) => _readings.Add(_scrape, new WorkloadReading(_time.GetUtcNow(),
    [
        Bucket("/search", "0.01", fast),
        Bucket("/search", "0.05", fast),
        Bucket("/search", "0.1", fast + slow),
        Bucket("/search", "+Inf", fast + slow),
        Bucket("/other", "0.01", 0),
        Bucket("/other", "+Inf", other),
    ]));

    private static ExposedSample Bucket(string route, string le, double count) =>
        new("rpc_seconds_bucket", new Dictionary<string, string>(StringComparer.Ordinal) { ["route"] = route, ["le"] = le }, count);

    private static ExposedSample Labelled(string label, string value, double v) =>
        new("", new Dictionary<string, string>(StringComparer.Ordinal) { [label] = value }, v);

    private WorkloadReading Reading(params (string Name, double Value)[] samples) =>
        new(_time.GetUtcNow(), samples.Select(s => new ExposedSample(s.Name, new Dictionary<string, string>(), s.Value)).ToList());
}
