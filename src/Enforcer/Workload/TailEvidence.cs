namespace GpuQos.Enforcer.Workload;

/// <summary>
/// Whether a window's requests over a latency target are evidence that its quantile is over the target, or what
/// the quantile allows by chance. A p99 allows one request in a hundred over; in a window of 40 requests the
/// chance alone puts one or more over in a third of windows, and with few requests the estimated p99 is in
/// effect the slowest one, so one request delayed by anything on the host reads as a violation. The test is the
/// one-sided binomial test: with the quantile exactly at the target each request is over it with probability
/// 1 − q, so the count over is Binomial(n, 1 − q), and a count whose upper tail is under 1 − confidence is
/// evidence.
/// </summary>
public static class TailEvidence
{
    /// <summary>
    /// True when <paramref name="over"/> of <paramref name="requests"/> requests over the target is significant at
    /// <paramref name="confidence"/> for quantile <paramref name="q"/>: P(X ≥ over) &lt; 1 − confidence for
    /// X ~ Binomial(requests, 1 − q). Counts are rounded to whole requests. A confidence of 0 takes any count over
    /// what the quantile allows (the point estimate).
    /// </summary>
    public static bool Significant(double requests, double over, double q, double confidence)
    {
        var n = (long)Math.Round(Math.Max(requests, 0));
        var k = (long)Math.Round(Math.Clamp(over, 0, n));
        var p = 1 - q;
        if (confidence <= 0)
        {
            return k > p * n;
        }

        // Far past the mean the tail is below any confidence a user can write (e^-50 at 10 standard deviations
        // and more): the sum is skipped for the large counts of a badly violated objective.
        var mean = n * p;
        if (k > mean + (10 * Math.Sqrt(mean * q)) + 10)
        {
            return true;
        }

        return UpperTail(n, p, k) < 1 - confidence;
    }

    /// <summary>P(X ≥ <paramref name="k"/>) for X ~ Binomial(<paramref name="n"/>, <paramref name="p"/>): one minus the sum of the probabilities below k, each from the last by the ratio of consecutive terms, in logarithms so that (1 − p)ⁿ may underflow.</summary>
    public static double UpperTail(long n, double p, long k)
    {
        if (k <= 0 || p >= 1)
        {
            return 1;
        }

        if (k > n || p <= 0)
        {
            return 0;
        }

        var logTerm = n * double.LogP1(-p);
        var logOdds = Math.Log(p / (1 - p));
        var below = 0.0;
        for (long i = 0; i < k; i++)
        {
            below += Math.Exp(logTerm);
            logTerm += Math.Log((double)(n - i) / (i + 1)) + logOdds;
        }

        return Math.Clamp(1 - below, 0, 1);
    }
}
