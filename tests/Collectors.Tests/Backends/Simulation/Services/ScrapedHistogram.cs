using System.Globalization;

namespace GpuQos.Collectors.Tests.Backends.Simulation.Services;

/// <summary>One scrape of a simulated service's histogram: cumulative bucket counts by upper bound, read from its text.</summary>
internal sealed record ScrapedHistogram(IReadOnlyList<(double Le, double Count)> Buckets, double Sum, double Count)
{
    public static ScrapedHistogram Parse(string text, string metric)
    {
        var buckets = new List<(double, double)>();
        double sum = double.NaN, count = double.NaN;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')))
        {
            var value = double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            if (line.StartsWith(metric + "_bucket{le=\"", StringComparison.Ordinal))
            {
                var le = line[(metric.Length + 12)..line.IndexOf("\"}", StringComparison.Ordinal)];
                buckets.Add((le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture), value));
            }
            else if (line.StartsWith(metric + "_sum ", StringComparison.Ordinal))
            {
                sum = value;
            }
            else if (line.StartsWith(metric + "_count ", StringComparison.Ordinal))
            {
                count = value;
            }
        }

        return new ScrapedHistogram(buckets, sum, count);
    }

    /// <summary>The quantile of the requests between <paramref name="earlier"/> and this scrape, as histogram_quantile interpolates it.</summary>
    public double Quantile(double q, ScrapedHistogram earlier)
    {
        var total = Count - earlier.Count;
        var rank = q * total;
        double lower = 0, below = 0;
        for (var i = 0; i < Buckets.Count; i++)
        {
            var cumulative = Buckets[i].Count - earlier.Buckets[i].Count;
            if (cumulative >= rank)
            {
                var upper = double.IsPositiveInfinity(Buckets[i].Le) ? lower : Buckets[i].Le;
                return cumulative == below ? upper : lower + ((upper - lower) * (rank - below) / (cumulative - below));
            }

            (lower, below) = (Buckets[i].Le, cumulative);
        }

        return double.NaN;
    }
}
