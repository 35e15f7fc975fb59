using GpuQos.Enforcer.Workload;

namespace GpuQos.Enforcer.Tests.Workload;

public sealed class WorkloadWindowTests
{
    private static readonly DateTimeOffset _t0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Quantile_RankInsideABucket_InterpolatesLinearlyLikeHistogramQuantile()
    {
        // 100 observations: 10 ≤ 5 ms, 50 in (5, 10] ms, 40 above. p50: rank 50 is 40/50 of the way through (5, 10].
        (double, double)[] buckets = [(0.005, 10), (0.01, 60), (double.PositiveInfinity, 100)];

        Assert.Equal(0.009, WorkloadWindow.Quantile(0.5, buckets), 12);
        Assert.Equal(0.0025, WorkloadWindow.Quantile(0.05, buckets), 12);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.05)]
    [InlineData(0.3)]
    public void CountAbove_TheQuantilesValue_IsWhatTheQuantileLeavesAbove(double q)
    {
        // The same interpolation both ways: the quantile is over x exactly when more than (1 - q) of the requests are.
        (double, double)[] buckets = [(0.005, 10), (0.01, 60), (double.PositiveInfinity, 100)];

        var x = WorkloadWindow.Quantile(q, buckets);

        Assert.Equal((1 - q) * 100, WorkloadWindow.CountAbove(x, buckets), 9);
    }

    [Fact]
    public void CountAbove_InsideABucket_Interpolates_PastTheLastBound_CountsTheInfBucket()
    {
        (double, double)[] buckets = [(0.005, 10), (0.01, 60), (double.PositiveInfinity, 100)];

        // 2 ms: 2/5 of the 10 in (0, 5] are at or below, 96 above. 8 ms: 10 + 3/5 of 50 = 40 at or below.
        Assert.Equal(96, WorkloadWindow.CountAbove(0.002, buckets), 9);
        Assert.Equal(60, WorkloadWindow.CountAbove(0.008, buckets), 9);
        Assert.Equal(40, WorkloadWindow.CountAbove(0.01, buckets), 9);
        Assert.Equal(40, WorkloadWindow.CountAbove(0.5, buckets), 9);
        Assert.True(double.IsNaN(WorkloadWindow.CountAbove(0.01, [(0.01, 0), (double.PositiveInfinity, 0)])));
    }

    [Fact]
    public void Quantile_RankInTheInfBucket_ReturnsTheHighestFiniteBound()
    {
        (double, double)[] buckets = [(0.005, 10), (0.01, 60), (double.PositiveInfinity, 100)];

        Assert.Equal(0.01, WorkloadWindow.Quantile(0.99, buckets));
    }

    [Fact]
    public void Quantile_NoObservationsOrNoInfBucket_IsNaN()
    {
        Assert.True(double.IsNaN(WorkloadWindow.Quantile(0.99, [(0.01, 0), (double.PositiveInfinity, 0)])));
        Assert.True(double.IsNaN(WorkloadWindow.Quantile(0.99, [(0.01, 5), (0.1, 9)])));
    }

    [Fact]
    public void Quantile_NonMonotonicCounts_AreMadeMonotonicFirst()
    {
        // Bucket increases read a moment apart: 0.02 came out below 0.01. Prometheus lifts it to 0.01's count, so
        // rank 60 lies 10 of 20 into (0.02, 0.03], not 20 of 30.
        (double, double)[] buckets = [(0.01, 50), (0.02, 40), (0.03, 70), (double.PositiveInfinity, 100)];

        Assert.Equal(0.025, WorkloadWindow.Quantile(0.6, buckets), 12);
    }

    [Fact]
    public void Increases_CounterReset_CountsTheNewValueWhole()
    {
        var readings = new[] { Read(0, 100), Read(1, 130), Read(2, 5), Read(3, 25) };

        var increases = WorkloadWindow.Increases(readings, _ => true, _ => "");

        // 30 before the restart, 5 at it, 20 after.
        Assert.Equal(55, increases[""]);
    }

    [Fact]
    public void Increases_SeriesAppearingMidWindow_OnlySetsItsBase()
    {
        var first = new WorkloadReading(_t0, [Sample("a", 10)]);
        var second = new WorkloadReading(_t0.AddSeconds(1), [Sample("a", 12), Sample("b", 1000)]);
        var third = new WorkloadReading(_t0.AddSeconds(2), [Sample("a", 15), Sample("b", 1004)]);

        var increases = WorkloadWindow.Increases([first, second, third], _ => true, s => s.Labels["id"]);

        Assert.Equal(5, increases["a"]);
        Assert.Equal(4, increases["b"]);
    }

    [Fact]
    public void Increases_ACounterThatHeldStill_AddsNothing()
    {
        // Equal to its last value is no reset: nothing new, not the whole value again.
        var readings = new[] { Read(0, 100), Read(1, 100), Read(2, 130), Read(3, 130) };

        Assert.Equal(30, WorkloadWindow.Increases(readings, _ => true, _ => "")[""]);
    }

    [Fact]
    public void Increases_ASeriesReadOnce_IsKnownWithNoIncrease()
    {
        // Present at 0, so its group is known to have served nothing yet, rather than missing from the result.
        var increases = WorkloadWindow.Increases([Read(0, 100)], _ => true, _ => "");

        Assert.Equal(0, increases[""]);
    }

    [Fact]
    public void Quantile_OneFiniteBucket_InterpolatesInsideIt()
    {
        // A histogram with one bucket and +Inf is still a histogram: p50 of 10 all ≤ 20 ms is 10 ms.
        Assert.Equal(0.01, WorkloadWindow.Quantile(0.5, [(0.02, 10), (double.PositiveInfinity, 10)]), 12);
    }

    [Fact]
    public void Quantile_RankInALowestBucketBoundedAtOrBelowZero_ReturnsItsBound()
    {
        // As histogram_quantile: nothing to interpolate from below a bound of 0 or less.
        (double, double)[] buckets = [(0, 5), (0.01, 10), (double.PositiveInfinity, 10)];
        (double, double)[] negative = [(-0.01, 5), (0.01, 10), (double.PositiveInfinity, 10)];

        Assert.Equal(0, WorkloadWindow.Quantile(0.25, buckets));
        Assert.Equal(0.005, WorkloadWindow.Quantile(0.75, buckets), 12);
        Assert.Equal(-0.01, WorkloadWindow.Quantile(0.25, negative));
    }

    [Fact]
    public void CountAbove_AtABucketOfNoWidth_CountsItWholeAtOrBelow()
    {
        // A le="0" bucket has no width to interpolate in: its 3 are at or below 0, the other 7 above.
        (double, double)[] buckets = [(0, 3), (0.01, 10), (double.PositiveInfinity, 10)];

        Assert.Equal(7, WorkloadWindow.CountAbove(0, buckets), 12);
    }

    private static WorkloadReading Read(int second, double value) => new(_t0.AddSeconds(second), [Sample("a", value)]);

    private static ExposedSample Sample(string id, double value) =>
        new("requests_total", new Dictionary<string, string>(StringComparer.Ordinal) { ["id"] = id }, value);
}
