using GpuQos.Model.Snapshots;

namespace GpuQos.Enforcer.Evaluation;

/// <summary>
/// One tenant's usage of one GPU over the evaluation history (<see cref="EvaluationHistory"/>), with running
/// sums over the cycles that could read SM shares: the mean share of any window is then found without
/// walking it.
/// </summary>
public sealed class UsageSeries
{
    private TenantUsage?[] _usage = [];

    // Prefix sums over snapshots [0, i) of the cycles that read shares: the share (null usage counts 0),
    // how many read, how many had a share that cannot be known (MPS).
    private bool[] _read = [];
    private double[] _shareSum = [0];
    private int[] _reads = [0];
    private int[] _unknown = [0];
    private int _count;
    private long _first;
    private int _lastRead = -1;

    internal UsageSeries(string tenant, int gpu)
    {
        Tenant = tenant;
        Gpu = gpu;
    }

    public string Tenant { get; }

    public int Gpu { get; }

    /// <summary>The tenant's usage of the GPU in each snapshot (null where it had none), aligned with the history's snapshots.</summary>
    public ReadOnlySpan<TenantUsage?> Usage => _usage.AsSpan(0, _count);

    /// <summary>The cycle it was last made current in.</summary>
    internal int Cycle { get; set; } = -1;

    /// <summary>Dropped from its history (nobody asked for it for a cycle); refreshing looks it up again.</summary>
    internal bool Evicted { get; set; }

    /// <summary>
    /// The mean SM share over the cycles from <paramref name="start"/> that could say anything about shares;
    /// whether any could (<c>Read</c>); whether the tenant was there in the newest of them (<c>Present</c>).
    /// The share is null when it cannot be known (MPS), which is not zero.
    /// </summary>
    public (bool Read, double? Share, bool Present) MeanShare(int start)
    {
        start = Math.Clamp(start, 0, _count);
        var n = _reads[_count] - _reads[start];
        if (n == 0)
        {
            return (false, null, false);
        }

        var unknown = _unknown[_count] - _unknown[start] > 0;
        var present = _lastRead >= start && _usage[_lastRead] is { Processes: > 0 };
        // The difference of two running sums is off by rounding where a walk of the window would not be (a
        // mean of exactly 0.4 can come out 0.4000000000000057); shares are compared at 1e-9, far below
        // anything NVML samples, so a target is judged the same either way.
        return (true, unknown ? null : Math.Round((_shareSum[_count] - _shareSum[start]) / n, 9), present);
    }

    /// <summary>The largest memory the tenant held in any snapshot from <paramref name="start"/>; null for an empty window.</summary>
    public double? MaxMemory(int start)
    {
        if (start >= _count)
        {
            return null;
        }

        var max = 0L;
        for (var i = Math.Max(start, 0); i < _count; i++)
        {
            if (_usage[i] is { } u && u.MemoryUsedBytes > max)
            {
                max = u.MemoryUsedBytes;
            }
        }

        return max;
    }

    /// <summary>The most co-tenants the tenant had in any snapshot from <paramref name="start"/>; null for an empty window.</summary>
    public double? MaxCoTenants(int start)
    {
        if (start >= _count)
        {
            return null;
        }

        var max = 0;
        for (var i = Math.Max(start, 0); i < _count; i++)
        {
            if (_usage[i] is { } u && u.CoTenants > max)
            {
                max = u.CoTenants;
            }
        }

        return max;
    }

    /// <summary>
    /// Brings the series to the history's current snapshots: keeps the usage of those it already had (they
    /// slid toward the front), looks up only the new ones, and sums again.
    /// </summary>
    internal void Slide(EvaluationHistory history, bool[] read, int lastRead)
    {
        var snapshots = history.Snapshots;
        var count = snapshots.Count;
        var drop = history.Origin - _first;
        var keep = drop >= 0 && drop < _count ? (int)Math.Min(_count - drop, count) : 0;
        var from = (int)Math.Max(drop, 0);
        if (_usage.Length < count)
        {
            var length = Math.Max(count, _usage.Length * 2);
            _usage = Grown(_usage, length, from, keep);
            _read = Grown(_read, length, from, keep);
            _shareSum = Grown(_shareSum, length + 1, from, keep + 1);
            _reads = Grown(_reads, length + 1, from, keep + 1);
            _unknown = Grown(_unknown, length + 1, from, keep + 1);
        }
        else if (keep > 0 && from > 0)
        {
            Array.Copy(_usage, from, _usage, 0, keep);
            Array.Copy(_read, from, _read, 0, keep);
            Array.Copy(_shareSum, from, _shareSum, 0, keep + 1);
            Array.Copy(_reads, from, _reads, 0, keep + 1);
            Array.Copy(_unknown, from, _unknown, 0, keep + 1);
        }

        // The sums it kept stand only if the snapshots it kept read shares as they did (they always do for
        // the daemon's history, whose snapshots never change; a caller's hand-made history might not).
        var summed = read.AsSpan(0, keep).SequenceEqual(_read.AsSpan(0, keep)) ? keep : 0;
        if (summed == 0 || Math.Abs(_shareSum[0]) > 1024)
        {
            // Rebased every thousand cycles or so, so that rounding in the sums stays far below 1e-9.
            (_shareSum[0], _reads[0], _unknown[0], summed) = (0, 0, 0, 0);
        }

        for (var i = keep; i < count; i++)
        {
            _usage[i] = snapshots[i].UsageOf(Tenant, Gpu);
        }

        Array.Clear(_usage, count, _usage.Length - count);
        history.Lookups += count - keep;
        for (var i = summed; i < count; i++)
        {
            var usage = _usage[i];
            var r = _read[i] = read[i];
            _shareSum[i + 1] = _shareSum[i] + (r ? usage?.SmShare ?? 0 : 0);
            _reads[i + 1] = _reads[i] + (r ? 1 : 0);
            _unknown[i + 1] = _unknown[i] + (r && usage is { SmShare: null } ? 1 : 0);
        }

        _first = history.Origin;
        _count = count;
        _lastRead = lastRead;
    }

    private static T[] Grown<T>(T[] array, int length, int from, int keep)
    {
        var grown = new T[length];
        if (keep > 0 && from + keep <= array.Length)
        {
            Array.Copy(array, from, grown, 0, keep);
        }

        return grown;
    }
}
