using GpuQos.Advisor.Evidence;

namespace GpuQos.Advisor.Tests.Evidence;

public sealed class DemandStatsTests
{
    [Fact]
    public void FromSamples_OneToHundred_InterpolatesLikePrometheusQuantileOverTime()
    {
        // quantile_over_time(0.95) over 1..100 is 1 + 0.95 × 99 = 95.05.
        var stats = DemandStats.FromSamples(Enumerable.Range(1, 100).Select(i => (double)i))!;

        Assert.Equal(50.5, stats.P50, 6);
        Assert.Equal(95.05, stats.P95, 6);
        Assert.Equal(99.01, stats.P99, 6);
        Assert.Equal(100, stats.Max);
        Assert.Equal(100, stats.Samples);
    }

    [Fact]
    public void FromSamples_None_Null() => Assert.Null(DemandStats.FromSamples([]));

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.2, 0.5)]
    [InlineData(0.3, 0.05)]
    [InlineData(0.35, 0.03)]
    [InlineData(0.4, 0.01)]
    [InlineData(0.5, 0.0)]
    [InlineData(0.9, 0.0)]
    public void Exceedance_AtCapacity_FollowsCurveThroughQuantiles(double capacity, double expected)
    {
        var stats = new DemandStats(0.2, 0.3, 0.4, 0.5, 1000);

        Assert.Equal(expected, stats.Exceedance(capacity), 6);
    }
}
