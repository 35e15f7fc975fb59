using GpuQos.IsolationProbes.Audit;

namespace GpuQos.IsolationProbes.Tests.Audit;

public sealed class ProbeStatisticsTests
{
    private static double[] Sample(double centre, int n, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => centre * (1 + ((random.NextDouble() - 0.5) * 0.1)))];
    }

    [Theory]
    [InlineData(new double[] { 3, 1, 2 }, 2)]
    [InlineData(new double[] { 4, 1, 3, 2 }, 2.5)]
    public void Median_OddAndEvenSamples_IsTheMiddle(double[] values, double expected) =>
        Assert.Equal(expected, ProbeStatistics.Median(values));

    [Fact]
    public void BootstrapRatioOfMedians_DoubledTimes_IntervalContainsTwoAndExcludesOne()
    {
        var (low, high) = ProbeStatistics.BootstrapRatioOfMedians(Sample(10, 20, 1), Sample(20, 20, 2));

        Assert.InRange(2.0, low, high);
        Assert.True(low > 1.5);
    }

    [Fact]
    public void BootstrapRatioOfMedians_SameDistribution_IntervalContainsOne()
    {
        var (low, high) = ProbeStatistics.BootstrapRatioOfMedians(Sample(10, 20, 1), Sample(10, 20, 2));

        Assert.InRange(1.0, low, high);
    }

    [Fact]
    public void MannWhitney_SeparatedSamples_SmallPValue()
    {
        var (_, p) = ProbeStatistics.MannWhitney(Sample(10, 15, 1), Sample(12, 15, 2));

        Assert.True(p < 0.001, $"p = {p}");
    }

    [Fact]
    public void MannWhitney_SameDistribution_LargePValue()
    {
        var (_, p) = ProbeStatistics.MannWhitney(Sample(10, 15, 1), Sample(10, 15, 2));

        Assert.True(p > 0.05, $"p = {p}");
    }

    [Fact]
    public void MannWhitney_KnownCase_MatchesTextbookU()
    {
        // Every value of the first sample is below every value of the second: U1 = 0.
        var (u, p) = ProbeStatistics.MannWhitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);

        Assert.Equal(0, u);
        Assert.InRange(p, 0.009, 0.013); // normal approximation of the exact 0.0079
    }

    [Theory]
    [InlineData(0.0, 50.0)]
    [InlineData(0.5, 0.0)]
    [InlineData(0.11, 25.0)]
    public void ChannelCapacity_BinarySymmetricChannel_FollowsShannon(double ber, double expected) =>
        Assert.Equal(expected, ProbeStatistics.ChannelCapacity(50, ber), 0);
}
