using System.Text;

namespace GpuQos.Enforcer.Workload;

/// <summary>
/// What a workload's metrics say over a window, computed the way Prometheus does: counter increases summed
/// over consecutive reads with resets taken as restarts from zero (<c>increase()</c>), and quantiles
/// interpolated linearly inside the bucket that holds the rank (<c>histogram_quantile()</c>).
/// </summary>
public static class WorkloadWindow
{
    /// <summary>
    /// Sums, per group, the increase of every series that <paramref name="filter"/> keeps across
    /// <paramref name="readings"/> (oldest first). A series seen for the first time mid-window only sets its
    /// base, as in Prometheus; a value below the previous one is a counter reset, so all of it is new.
    /// </summary>
    public static Dictionary<string, double> Increases(IReadOnlyList<WorkloadReading> readings, Func<ExposedSample, bool> filter, Func<ExposedSample, string> group)
    {
        ArgumentNullException.ThrowIfNull(readings);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(group);
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        Dictionary<string, double>? previous = null;
        foreach (var reading in readings)
        {
            var current = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var sample in reading.Samples)
            {
                if (!filter(sample) || double.IsNaN(sample.Value))
                {
                    continue;
                }

                var id = SeriesId(sample);
                current[id] = sample.Value;
                var key = group(sample);
                if (previous is not null && previous.TryGetValue(id, out var before))
                {
                    var delta = sample.Value >= before ? sample.Value - before : sample.Value;
                    result[key] = result.GetValueOrDefault(key) + delta;
                }
                else
                {
                    result.TryAdd(key, 0);
                }
            }

            previous = current;
        }

        return result;
    }

    /// <summary>
    /// The <paramref name="q"/> quantile of a histogram given as cumulative counts per upper bound, as
    /// <c>histogram_quantile</c> computes it; NaN when there are no observations or no <c>+Inf</c> bucket.
    /// A rank that falls in the <c>+Inf</c> bucket returns the highest finite bound.
    /// </summary>
    public static double Quantile(double q, IReadOnlyList<(double Upper, double Count)> buckets)
    {
        if (Cumulative(buckets) is not { } sorted)
        {
            return double.NaN;
        }

        var observations = sorted[^1].Count;
        var rank = q * observations;
        var b = 0;
        while (b < sorted.Length - 1 && sorted[b].Count < rank)
        {
            b++;
        }

        if (b == sorted.Length - 1)
        {
            return sorted[^2].Upper;
        }

        if (b == 0 && sorted[0].Upper <= 0)
        {
            return sorted[0].Upper;
        }

        var start = b == 0 ? 0 : sorted[b - 1].Upper;
        var below = b == 0 ? 0 : sorted[b - 1].Count;
        var inBucket = sorted[b].Count - below;
        return start + ((sorted[b].Upper - start) * ((rank - below) / inBucket));
    }

    /// <summary>
    /// How many of a histogram's observations lie above <paramref name="x"/>, with the interpolation
    /// <see cref="Quantile"/> uses (observations spread evenly inside a bucket), so that the quantile is above
    /// <paramref name="x"/> exactly when more than (1 − q) of the observations are; NaN when there are no
    /// observations or no <c>+Inf</c> bucket. Every observation in the <c>+Inf</c> bucket counts as above a
    /// value past the highest finite bound.
    /// </summary>
    public static double CountAbove(double x, IReadOnlyList<(double Upper, double Count)> buckets)
    {
        if (Cumulative(buckets) is not { } sorted)
        {
            return double.NaN;
        }

        var total = sorted[^1].Count;
        var b = 0;
        while (b < sorted.Length - 1 && sorted[b].Upper < x)
        {
            b++;
        }

        if (b == sorted.Length - 1)
        {
            return total - sorted[^2].Count;
        }

        var start = b == 0 ? Math.Min(0, sorted[0].Upper) : sorted[b - 1].Upper;
        var below = b == 0 ? 0 : sorted[b - 1].Count;
        var width = sorted[b].Upper - start;
        var atOrBelow = width <= 0 ? sorted[b].Count : below + ((sorted[b].Count - below) * Math.Clamp((x - start) / width, 0, 1));
        return total - atOrBelow;
    }

    // The buckets sorted by bound, with counts made monotonic; null when there are no observations, fewer than
    // two buckets or no +Inf bucket.
    private static (double Upper, double Count)[]? Cumulative(IReadOnlyList<(double Upper, double Count)> buckets)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        if (buckets.Count < 2)
        {
            return null;
        }

        var sorted = buckets.OrderBy(b => b.Upper).ToArray();
        if (!double.IsPositiveInfinity(sorted[^1].Upper))
        {
            return null;
        }

        // Increases of separate bucket series can come out non-monotonic when reads race the server's updates.
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].Count < sorted[i - 1].Count)
            {
                sorted[i] = (sorted[i].Upper, sorted[i - 1].Count);
            }
        }

        return sorted[^1].Count > 0 ? sorted : null;
    }

    // Name and every label, in a stable order: the identity of a series across reads.
    private static string SeriesId(ExposedSample sample)
    {
        var id = new StringBuilder(sample.Name);
        foreach (var (name, value) in sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            id.Append('\u0001').Append(name).Append('\u0002').Append(value);
        }

        return id.ToString();
    }
}
