namespace GpuQos.IsolationProbes.Audit;

/// <summary>
/// The statistics an audit decides with: medians (robust to the odd preempted run), a percentile bootstrap
/// confidence interval for the ratio of medians, and the Mann–Whitney U test for "do these two samples come
/// from the same distribution", which needs no normality assumption.
/// </summary>
public static class ProbeStatistics
{
    /// <summary>The median; NaN for an empty sample.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>
    /// Percentile bootstrap interval of median(<paramref name="contended"/>) / median(<paramref name="baseline"/>),
    /// resampling both samples independently. Seeded, so a report is reproducible from its samples.
    /// </summary>
    public static (double Low, double High) BootstrapRatioOfMedians(IReadOnlyList<double> baseline, IReadOnlyList<double> contended, double confidence = 0.95, int resamples = 2000, int seed = 20231)
    {
        ArgumentOutOfRangeException.ThrowIfZero(baseline.Count);
        ArgumentOutOfRangeException.ThrowIfZero(contended.Count);
        var random = new Random(seed);
        var ratios = new double[resamples];
        var b = new double[baseline.Count];
        var c = new double[contended.Count];
        for (var r = 0; r < resamples; r++)
        {
            for (var i = 0; i < b.Length; i++)
            {
                b[i] = baseline[random.Next(b.Length)];
            }

            for (var i = 0; i < c.Length; i++)
            {
                c[i] = contended[random.Next(c.Length)];
            }

            ratios[r] = Median(c) / Median(b);
        }

        Array.Sort(ratios);
        var tail = (1 - confidence) / 2;
        return (Percentile(ratios, tail), Percentile(ratios, 1 - tail));
    }

    /// <summary>
    /// Two-sided Mann–Whitney U test (normal approximation with tie correction and continuity correction).
    /// Returns U for the first sample and the p-value.
    /// </summary>
    public static (double U, double PValue) MannWhitney(IReadOnlyList<double> first, IReadOnlyList<double> second)
    {
        var n1 = first.Count;
        var n2 = second.Count;
        if (n1 == 0 || n2 == 0)
        {
            return (double.NaN, 1);
        }

        var all = first.Select(v => (Value: v, First: true)).Concat(second.Select(v => (Value: v, First: false))).OrderBy(x => x.Value).ToArray();
        var ranks = new double[all.Length];
        double tieTerm = 0;
        for (var i = 0; i < all.Length;)
        {
            var j = i;
            while (j + 1 < all.Length && all[j + 1].Value == all[i].Value)
            {
                j++;
            }

            var rank = ((i + j) / 2.0) + 1;
            for (var k = i; k <= j; k++)
            {
                ranks[k] = rank;
            }

            double t = j - i + 1;
            tieTerm += (t * t * t) - t;
            i = j + 1;
        }

        var r1 = all.Select((x, i) => x.First ? ranks[i] : 0).Sum();
        var u1 = r1 - (n1 * (n1 + 1) / 2.0);
        var mean = n1 * n2 / 2.0;
        double n = n1 + n2;
        var variance = n1 * n2 / 12.0 * ((n + 1) - (tieTerm / (n * (n - 1))));
        if (variance <= 0)
        {
            return (u1, 1);
        }

        var z = (Math.Abs(u1 - mean) - 0.5) / Math.Sqrt(variance);
        return (u1, Math.Min(1, 2 * NormalUpperTail(Math.Max(0, z))));
    }

    /// <summary>Binary entropy in bits.</summary>
    public static double BinaryEntropy(double p) =>
        p <= 0 || p >= 1 ? 0 : -(p * Math.Log2(p)) - ((1 - p) * Math.Log2(1 - p));

    /// <summary>Capacity of a binary symmetric channel with this error rate, at this raw rate: r·(1 − H(ber)).</summary>
    public static double ChannelCapacity(double bitsPerSecond, double bitErrorRate) => bitsPerSecond * (1 - BinaryEntropy(bitErrorRate));

    /// <summary>P(Z &gt; z) for a standard normal, via erfc (Abramowitz–Stegun 7.1.26, error below 1.5e-7).</summary>
    public static double NormalUpperTail(double z) => 0.5 * Erfc(z / Math.Sqrt(2));

    private static double Erfc(double x)
    {
        var t = 1 / (1 + (0.3275911 * Math.Abs(x)));
        var poly = t * (0.254829592 + (t * (-0.284496736 + (t * (1.421413741 + (t * (-1.453152027 + (t * 1.061405429))))))));
        var erfc = poly * Math.Exp(-x * x);
        return x >= 0 ? erfc : 2 - erfc;
    }

    private static double Percentile(double[] sorted, double q)
    {
        var pos = q * (sorted.Length - 1);
        var lo = (int)Math.Floor(pos);
        var hi = (int)Math.Ceiling(pos);
        return sorted[lo] + ((sorted[hi] - sorted[lo]) * (pos - lo));
    }
}
