using GpuQos.Enforcer.Workload;

namespace GpuQos.Enforcer.Tests.Workload;

public sealed class TailEvidenceTests
{
    [Theory]
    // Exact values from the binomial sum in rational arithmetic (Python's fractions), rounded.
    [InlineData(40, 0.01, 1, 0.3310282414303197)]
    [InlineData(40, 0.01, 2, 0.060736621806206426)]
    [InlineData(40, 0.01, 3, 0.007497363395396195)]
    [InlineData(160, 0.01, 5, 0.02301975066815254)]
    [InlineData(100, 0.01, 3, 0.07937320225218103)]
    // n large enough that (1 - p)^n underflows a double (e^-1005): from the log-gamma sum.
    [InlineData(100_000, 0.01, 1000, 0.5042686879040171)]
    [InlineData(100_000, 0.01, 1050, 0.05870091517281717)]
    public void UpperTail_MatchesTheExactBinomialTail(long n, double p, long k, double expected)
    {
        Assert.Equal(expected, TailEvidence.UpperTail(n, p, k), 9);
    }

    [Theory]
    // k = n: every request over, p^n, not 0.
    [InlineData(2, 0.5, 2, 0.25)]
    [InlineData(3, 0.5, 3, 0.125)]
    public void UpperTail_AllOver_IsPToTheN(long n, double p, long k, double expected)
    {
        Assert.Equal(expected, TailEvidence.UpperTail(n, p, k), 12);
    }

    [Fact]
    public void Significant_ConfidenceZero_ACountExactlyAtTheAllowanceIsNotOver()
    {
        // A median with exactly half of 10 over is at the target (0.5 is exact in binary, 0.01 is not).
        Assert.False(TailEvidence.Significant(10, 5, 0.5, 0));
        Assert.True(TailEvidence.Significant(10, 6, 0.5, 0));
    }

    [Fact]
    public void UpperTail_Edges()
    {
        Assert.Equal(1, TailEvidence.UpperTail(40, 0.01, 0));
        Assert.Equal(0, TailEvidence.UpperTail(40, 0.01, 41));
        Assert.Equal(0, TailEvidence.UpperTail(40, 0, 1));
        Assert.Equal(1, TailEvidence.UpperTail(40, 1, 40));
    }

    [Theory]
    // p99 over 40 requests: one or two over is chance at 95% (P = 0.33, 0.061), three is not (0.0075).
    [InlineData(40, 1, 0.95, false)]
    [InlineData(40, 2, 0.95, false)]
    [InlineData(40, 3, 0.95, true)]
    // 160 requests: four is chance (0.078), five is not (0.023); at 99% five still is.
    [InlineData(160, 4, 0.95, false)]
    [InlineData(160, 5, 0.95, true)]
    [InlineData(160, 5, 0.99, false)]
    // Confidence 0: any count over the allowance of 0.4 acts, as the estimated quantile alone would.
    [InlineData(40, 1, 0, true)]
    [InlineData(40, 0.4, 0, false)]
    // ... and only over it: 5 of 1,000 is within a p99's allowance of 10, and 1 of 100 is exactly at it.
    [InlineData(1000, 5, 0, false)]
    [InlineData(100, 1, 0, false)]
    [InlineData(100, 2, 0, true)]
    // Fractional counts (interpolated in a bucket) round to whole requests.
    [InlineData(40, 2.6, 0.95, true)]
    [InlineData(40, 2.4, 0.95, false)]
    // A badly violated objective: a third over.
    [InlineData(3000, 1000, 0.95, true)]
    public void Significant_P99_AtTheGivenConfidence(double requests, double over, double confidence, bool expected)
    {
        Assert.Equal(expected, TailEvidence.Significant(requests, over, 0.99, confidence));
    }
}
