using GpuQos.LatencyLoop;

namespace GpuQos.Daemon.Tests.Enforcement;

/// <summary>How the latency-loop benchmark reads the most burner share a p99 target allows off its sweep.</summary>
public sealed class ShareCurveTests
{
    [Fact]
    public void MostAllowed_InterpolatesWhereTheCurveCrossesTheTarget()
    {
        (double, double)[] points = [(0.1, 0.010), (0.2, 0.020), (0.3, 0.030)];

        Assert.Equal(0.25, ShareCurve.MostAllowed(points, 0.025), 9);
        Assert.Equal(0.2, ShareCurve.MostAllowed(points, 0.020), 9);
    }

    [Fact]
    public void MostAllowed_ADipIsPooledWithThePointBeforeIt_NotTakenAsRoom()
    {
        // 0.3 reads faster than 0.2: noise. Pooled, both are 25 ms, so a 24 ms target is crossed between 0.1 and 0.2,
        // where the raw points would have allowed 0.3.
        (double, double)[] points = [(0.1, 0.010), (0.2, 0.030), (0.3, 0.020), (0.4, 0.040)];

        Assert.Equal([0.010, 0.025, 0.025, 0.040], ShareCurve.Monotone(points).Select(p => Math.Round(p.P99, 9)));
        Assert.Equal(0.1 + (0.1 * 14 / 15), ShareCurve.MostAllowed(points, 0.024), 9);
    }

    [Fact]
    public void Monotone_SortsByShareFirst()
    {
        (double, double)[] points = [(0.3, 0.030), (0.1, 0.010), (0.2, 0.020)];

        Assert.Equal([(0.1, 0.010), (0.2, 0.020), (0.3, 0.030)], ShareCurve.Monotone(points));
    }

    [Fact]
    public void MostAllowed_NothingWhenTheLeastShareMisses_TheLastShareWhenNoneDoes()
    {
        (double, double)[] points = [(0.05, 0.030), (0.1, 0.040)];

        Assert.Equal(0, ShareCurve.MostAllowed(points, 0.020));
        Assert.Equal(0.1, ShareCurve.MostAllowed(points, 0.050));
        Assert.Equal(0, ShareCurve.MostAllowed([], 0.050));
    }
}
