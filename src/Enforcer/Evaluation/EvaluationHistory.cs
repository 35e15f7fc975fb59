using GpuQos.Model.Snapshots;

namespace GpuQos.Enforcer.Evaluation;

/// <summary>
/// The snapshot history the evaluation cycles read, kept from one cycle to the next. Each (tenant, GPU)'s
/// usage series (<see cref="UsageSeries"/>) is looked up once per snapshot in its life, not once per snapshot
/// per cycle: when a cycle's history is the previous one slid forward, a series keeps what it had and looks
/// up only the snapshots that are new. Each series also keeps running sums over the cycles that could say
/// anything about SM shares, so an objective's mean over any window is two subtractions.
/// </summary>
/// <remarks>
/// <para>
/// A cycle's history is aligned with the previous one by the identity of each snapshot's
/// <see cref="HostSnapshot.Tenants"/>, which is exactly what a series is computed from (the history's compact
/// form of a snapshot keeps it). A history that does not continue the previous one (the window grew after a
/// reload, a test replays another timeline) is looked up again from scratch.
/// </para>
/// <para>Series nobody asked for in a cycle are dropped at the next, so tenants that leave leave nothing behind.</para>
/// <para>Not thread-safe: one cycle at a time (the enforcer evaluates under its lock).</para>
/// </remarks>
public sealed class EvaluationHistory
{
    private readonly Dictionary<(string Tenant, int Gpu), UsageSeries> _series = [];
    private readonly List<(TimeSpan Window, int Start)> _starts = [];
    private readonly Dictionary<int, (bool[] Read, int Last)> _masks = [];
    private object[] _tenants = [];
    private IReadOnlyList<HostSnapshot> _snapshots = [];

    /// <summary>An empty history; call <see cref="Advance"/> before each cycle.</summary>
    public EvaluationHistory()
    {
    }

    /// <summary>A history for a single cycle over <paramref name="snapshots"/> (oldest first, ending with the latest).</summary>
    public EvaluationHistory(IReadOnlyList<HostSnapshot> snapshots) => Advance(snapshots);

    /// <summary>The workloads' own metrics, for latency and throughput objectives; null when nothing reads them.</summary>
    public Workload.WorkloadReadings? Workload { get; set; }

    /// <summary>The current cycle's snapshots, oldest first.</summary>
    public IReadOnlyList<HostSnapshot> Snapshots => _snapshots;

    /// <summary>Timeline position of <c>Snapshots[0]</c>: it grows by the number of snapshots that slid out.</summary>
    internal long Origin { get; private set; }

    /// <summary>Counts the cycles; a series refreshed in this one is current.</summary>
    internal int Cycle { get; private set; }

    /// <summary>How many snapshots the series looked up in their lives (for tests and benchmarks).</summary>
    public long Lookups { get; internal set; }

    /// <summary>Moves to the next cycle's history (oldest first, ending with the latest).</summary>
    public void Advance(IReadOnlyList<HostSnapshot> snapshots)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        var tenants = new object[snapshots.Count];
        for (var i = 0; i < tenants.Length; i++)
        {
            tenants[i] = snapshots[i].Tenants;
        }

        // Positions continue the previous timeline when the new history is the old one slid forward;
        // otherwise they jump past everything a series holds, so each is looked up again.
        Origin += Align(_tenants, tenants) is { } shift ? shift : _tenants.Length + 1;
        _tenants = tenants;
        _snapshots = snapshots;
        _starts.Clear();
        _masks.Clear();
        foreach (var (key, series) in _series)
        {
            if (series.Cycle != Cycle)
            {
                series.Evicted = true;
                _series.Remove(key);
            }
        }

        Cycle++;
    }

    /// <summary>The tenant's usage series on the GPU for this cycle.</summary>
    public UsageSeries SeriesOf(string tenant, int gpu)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        if (!_series.TryGetValue((tenant, gpu), out var series))
        {
            series = new UsageSeries(tenant, gpu);
            _series[(tenant, gpu)] = series;
        }

        return Refresh(series);
    }

    /// <summary>
    /// A series made current for this cycle: brought back from this history when a caller kept it across
    /// cycles, or looked up again when it was dropped meanwhile.
    /// </summary>
    public UsageSeries Refresh(UsageSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Evicted)
        {
            return SeriesOf(series.Tenant, series.Gpu);
        }

        if (series.Cycle != Cycle)
        {
            var (read, last) = ReadMask(series.Gpu);
            series.Slide(this, read, last);
            series.Cycle = Cycle;
        }

        return series;
    }

    /// <summary>
    /// The index of the oldest snapshot in the window. A window of w holds the samples taken in
    /// (newest - w, newest]; at a 1 s interval a 3 s window is 3 samples. History is oldest first, so the
    /// window is a suffix and a search from the end stops at its first sample outside. Found once per window
    /// length per cycle.
    /// </summary>
    public int StartOf(TimeSpan window)
    {
        foreach (var (w, start) in _starts)
        {
            if (w == window)
            {
                return start;
            }
        }

        var i = _snapshots.Count;
        if (i > 0)
        {
            var from = _snapshots[^1].Timestamp - window;
            while (i > 0 && _snapshots[i - 1].Timestamp > from)
            {
                i--;
            }
        }

        _starts.Add((window, i));
        return i;
    }

    /// <summary>
    /// Whether each snapshot can say anything about SM shares on the GPU, and the last that can (-1 if none).
    /// One whose device reading or process list failed cannot: its tenants would look absent or idle, which
    /// is not the same as being so, and counting such cycles would reset a policy's <c>for</c> timer (or lift
    /// an action) on every transient NVML error.
    /// </summary>
    private (bool[] Read, int Last) ReadMask(int gpu)
    {
        if (_masks.TryGetValue(gpu, out var known))
        {
            return known;
        }

        var read = new bool[_snapshots.Count];
        var last = -1;
        for (var i = 0; i < read.Length; i++)
        {
            var gpus = _snapshots[i].Gpus;
            read[i] = gpu < 0 || gpu >= gpus.Count || (gpus[gpu].ProcessesRead && gpus[gpu].Device is not null);
            if (read[i])
            {
                last = i;
            }
        }

        _masks[gpu] = (read, last);
        return (read, last);
    }

    // How far the new history slid: the k with old[k..] == new[..old.Count - k], or null when it does not continue.
    private static int? Align(object[] old, object[] next)
    {
        for (var k = 0; k < old.Length; k++)
        {
            var overlap = old.Length - k;
            if (overlap > next.Length || !ReferenceEquals(old[k], next[0]))
            {
                continue;
            }

            var same = true;
            for (var j = 1; j < overlap && same; j++)
            {
                same = ReferenceEquals(old[k + j], next[j]);
            }

            if (same)
            {
                return k;
            }
        }

        return null;
    }
}
