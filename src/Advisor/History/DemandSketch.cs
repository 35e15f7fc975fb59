using GpuQos.Advisor.Evidence;

namespace GpuQos.Advisor.History;

/// <summary>
/// SM-share samples (fractions of a GPU, 0..1) of one minute, kept as counts per bin of 1/1024 with the exact
/// count, minimum and maximum: a minute of a steady tenant is a handful of bins instead of sixty samples, and
/// minutes merge by adding counts.
/// </summary>
/// <remarks>
/// Each sample stands for its bin's centre, at most <see cref="Tolerance"/> from it. Binning keeps the samples'
/// order, so every order statistic of the merged bins is within the same distance of the true one, and so is
/// a quantile interpolated between two of them the way <see cref="DemandStats"/> does. The count and the
/// maximum are exact. Samples above 64 (no share is) land in the last bin and are pulled back to the exact
/// maximum.
/// </remarks>
public sealed class DemandSketch
{
    /// <summary>Bins per unit of share.</summary>
    public const int BinsPerUnit = 1024;

    /// <summary>The most a quantile read from sketches differs from the same quantile of the raw samples.</summary>
    public const double Tolerance = 0.5 / BinsPerUnit;

    // Each entry packs a bin (high 16 bits) and how many samples fell in it (low 16 bits), bins ascending.
    private readonly uint[] _bins;

    private DemandSketch(uint[] bins, int count, double min, double max)
    {
        _bins = bins;
        Count = count;
        Min = min;
        Max = max;
    }

    /// <summary>How many samples the sketch holds.</summary>
    public int Count { get; }

    /// <summary>The smallest sample.</summary>
    public double Min { get; }

    /// <summary>The largest sample.</summary>
    public double Max { get; }

    /// <summary>How many (bin, count) entries it holds: its size, for tests and benchmarks.</summary>
    public int Entries => _bins.Length;

    /// <summary>The bin a finite sample falls in.</summary>
    public static ushort BinOf(double share) => (ushort)Math.Clamp(Math.Round(share * BinsPerUnit), 0, ushort.MaxValue);

    /// <summary>The sketch of the binned samples (<see cref="BinOf"/>), sorting <paramref name="bins"/> in place; null when there are none.</summary>
    public static DemandSketch? From(Span<ushort> bins, double min, double max)
    {
        if (bins.IsEmpty)
        {
            return null;
        }

        bins.Sort();
        var packed = new List<uint>();
        var i = 0;
        while (i < bins.Length)
        {
            var bin = bins[i];
            var run = 0;
            while (i < bins.Length && bins[i] == bin && run < ushort.MaxValue)
            {
                run++;
                i++;
            }

            packed.Add(((uint)bin << 16) | (uint)run);
        }

        return new DemandSketch([.. packed], bins.Length, min, max);
    }

    /// <summary>
    /// The demand figures of all the samples of <paramref name="sketches"/> together, within
    /// <see cref="Tolerance"/> of <see cref="DemandStats.FromSamples"/> on the raw samples (count and maximum
    /// exact); null when they hold none.
    /// </summary>
    public static DemandStats? Merge(IReadOnlyCollection<DemandSketch> sketches)
    {
        ArgumentNullException.ThrowIfNull(sketches);
        var count = 0L;
        var min = double.PositiveInfinity;
        var max = double.NegativeInfinity;
        var size = 0;
        foreach (var s in sketches)
        {
            count += s.Count;
            min = Math.Min(min, s.Min);
            max = Math.Max(max, s.Max);
            size += s._bins.Length;
        }

        if (count == 0)
        {
            return null;
        }

        // Packed entries sort by bin first; equal bins from different minutes sit side by side.
        var all = new uint[size];
        var at = 0;
        foreach (var s in sketches)
        {
            s._bins.CopyTo(all, at);
            at += s._bins.Length;
        }

        Array.Sort(all);
        double Quantile(double q)
        {
            var rank = q * (count - 1);
            var lo = (long)Math.Floor(rank);
            var hi = Math.Min(lo + 1, count - 1);
            var low = ValueAt(all, lo, min, max);
            return low + ((rank - lo) * (ValueAt(all, hi, min, max) - low));
        }

        return new DemandStats(Quantile(0.5), Quantile(0.95), Quantile(0.99), max, (int)Math.Min(count, int.MaxValue));
    }

    // The rank-th smallest sample (0-based) as its bin's centre, kept within the exact extremes.
    private static double ValueAt(uint[] sorted, long rank, double min, double max)
    {
        var seen = 0L;
        foreach (var entry in sorted)
        {
            seen += entry & 0xFFFF;
            if (seen > rank)
            {
                return Math.Clamp((double)(entry >> 16) / BinsPerUnit, min, max);
            }
        }

        return max;
    }
}
