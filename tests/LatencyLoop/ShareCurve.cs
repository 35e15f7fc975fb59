namespace GpuQos.LatencyLoop;

/// <summary>
/// A service's p99 against the burner's share of its CPU, as the <c>latency-loop</c> benchmark's sweep measures it,
/// and the most share a p99 target allows read off it (docs/performance.md, "Latency loop").
/// </summary>
internal static class ShareCurve
{
    /// <summary>
    /// The most burner share the target allows, from the sweep's (share, p99) points: the p99 is fitted as a
    /// non-decreasing function of share (a burner taking more cannot make the service faster, so a dip is
    /// noise), and the share where that fit reaches the target is interpolated linearly between the two points
    /// around it. 0 when even the first point misses; the last point's share when none does.
    /// </summary>
    public static double MostAllowed(IReadOnlyList<(double Share, double P99)> points, double target)
    {
        var fit = Monotone(points);
        if (fit.Count == 0 || fit[0].P99 > target)
        {
            return 0;
        }

        for (var i = 1; i < fit.Count; i++)
        {
            if (fit[i].P99 > target)
            {
                var (a, b) = (fit[i - 1], fit[i]);
                // a.P99 ≤ target < b.P99, so the two differ.
                return a.Share + ((b.Share - a.Share) * (target - a.P99) / (b.P99 - a.P99));
            }
        }

        return fit[^1].Share;
    }

    /// <summary>The points sorted by share, their p99s replaced by the closest non-decreasing sequence (least squares: pool adjacent violators).</summary>
    public static List<(double Share, double P99)> Monotone(IReadOnlyList<(double Share, double P99)> points)
    {
        var sorted = points.OrderBy(p => p.Share).ToList();
        var blocks = new List<(double Sum, int Count)>();
        foreach (var (_, p99) in sorted)
        {
            blocks.Add((p99, 1));
            while (blocks.Count > 1 && blocks[^2].Sum / blocks[^2].Count > blocks[^1].Sum / blocks[^1].Count)
            {
                var merged = (blocks[^2].Sum + blocks[^1].Sum, blocks[^2].Count + blocks[^1].Count);
                blocks.RemoveRange(blocks.Count - 2, 2);
                blocks.Add(merged);
            }
        }

        var fitted = new List<(double, double)>(sorted.Count);
        var at = 0;
        foreach (var (sum, count) in blocks)
        {
            for (var k = 0; k < count; k++, at++)
            {
                fitted.Add((sorted[at].Share, sum / count));
            }
        }

        return fitted;
    }
}
