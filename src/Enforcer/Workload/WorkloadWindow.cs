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
        ArgumentNullException.ThrowIfNull(buckets);
        if (buckets.Count < 2)
        {
            return double.NaN;
        }

        var sorted = buckets.OrderBy(b => b.Upper).ToArray();
        if (!double.IsPositiveInfinity(sorted[^1].Upper))
        {
            return double.NaN;
        }

        // Increases of separate bucket series can come out non-monotonic when reads race the server's updates.
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].Count < sorted[i - 1].Count)
            {
                sorted[i] = (sorted[i].Upper, sorted[i - 1].Count);
            }
        }

        var observations = sorted[^1].Count;
        if (observations <= 0)
        {
            return double.NaN;
        }

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
