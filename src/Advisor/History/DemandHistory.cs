using GpuQos.Model.Snapshots;

namespace GpuQos.Advisor.History;

/// <summary>
/// The advisor's history: per-minute summaries of what it reads (<see cref="DemandMinute"/>), kept for
/// <see cref="Span"/> (<c>settings.history</c>) instead of the whole snapshots. A minute of a tenant on a GPU
/// is a few bins of SM share and a memory peak, whatever the host's process count, so ten minutes of a crowded
/// host cost kilobytes where 600 snapshots cost megabytes.
/// </summary>
/// <remarks>
/// A snapshot consumer: it runs on the collection thread after the snapshot is published. Readers
/// (<see cref="Figures"/>) take the same lock, once per advice refresh.
/// </remarks>
public sealed class DemandHistory : ISnapshotConsumer
{
    private readonly Queue<DemandMinute> _closed = new();
    private readonly Lock _lock = new();
    private DemandMinute? _open;

    /// <param name="span">How far back the summaries reach: minutes with a cycle in the last <paramref name="span"/> are kept.</param>
    public DemandHistory(TimeSpan span)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(span, TimeSpan.Zero);
        Span = span;
    }

    /// <inheritdoc />
    public string Name => "advisor-history";

    /// <summary>How far back the summaries reach (rounded up to whole minutes).</summary>
    public TimeSpan Span { get; }

    /// <summary>How many minutes are held, the running one included.</summary>
    public int Minutes
    {
        get
        {
            lock (_lock)
            {
                return _closed.Count + (_open is null ? 0 : 1);
            }
        }
    }

    /// <summary>How many (minute, workload or GPU) tallies are held: what the history's size grows with.</summary>
    public int Tallies
    {
        get
        {
            lock (_lock)
            {
                return _closed.Sum(m => m.Tallies) + (_open?.Tallies ?? 0);
            }
        }
    }

    /// <inheritdoc />
    public void Consume(HostSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var ts = snapshot.Timestamp.UtcDateTime;
        var minute = new DateTimeOffset(ts.Ticks - (ts.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        lock (_lock)
        {
            if (_open is { } open && open.Start != minute)
            {
                open.Close();
                _closed.Enqueue(open);
                _open = null;
            }

            _open ??= new DemandMinute(minute);
            _open.Add(snapshot);

            var from = snapshot.Timestamp - Span;
            while (_closed.TryPeek(out var oldest) && oldest.Last <= from)
            {
                _closed.Dequeue();
            }
        }
    }

    /// <summary>The figures over the minutes held; null before the first cycle.</summary>
    public HistoryFigures? Figures()
    {
        lock (_lock)
        {
            if (_open is null)
            {
                return null;
            }

            var minutes = _closed.Append(_open).ToArray();
            var tenants = Group(minutes, m => m.Tenants);
            var workloads = Group(minutes, m => m.Workloads);
            var devices = new Dictionary<int, List<DemandSketch>>();
            foreach (var (gpu, tally) in minutes.SelectMany(m => m.Devices))
            {
                if (!devices.TryGetValue(gpu, out var list))
                {
                    devices[gpu] = list = [];
                }

                if (tally.SharesNow() is { } sketch)
                {
                    list.Add(sketch);
                }
            }

            var gpus = new Dictionary<int, GpuUsageFigures>();
            foreach (var gpu in devices.Keys.Union(tenants.Keys).Union(workloads.Keys))
            {
                var attributed = tenants.TryGetValue(gpu, out var own);
                var names = attributed ? own! : workloads.GetValueOrDefault(gpu) ?? [];
                var device = devices.TryGetValue(gpu, out var d) ? DemandSketch.Merge(d) : null;
                gpus[gpu] = new GpuUsageFigures(
                    attributed,
                    [.. names.OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => new UsageFigures(n.Key, DemandSketch.Merge(n.Value.Shares), n.Value.MaxMemory))],
                    device);
            }

            return new HistoryFigures(minutes.Min(m => m.First), gpus);
        }
    }

    // Per GPU, per name: the minutes' sketches and the memory peak.
    private static Dictionary<int, Dictionary<string, (List<DemandSketch> Shares, long MaxMemory)>> Group(
        DemandMinute[] minutes, Func<DemandMinute, Dictionary<(int Gpu, string Name), UsageTally>> of)
    {
        var result = new Dictionary<int, Dictionary<string, (List<DemandSketch> Shares, long MaxMemory)>>();
        foreach (var ((gpu, name), tally) in minutes.SelectMany(of))
        {
            if (!result.TryGetValue(gpu, out var byName))
            {
                result[gpu] = byName = new Dictionary<string, (List<DemandSketch>, long)>(StringComparer.Ordinal);
            }

            var (shares, max) = byName.TryGetValue(name, out var known) ? known : ([], long.MinValue);
            if (tally.SharesNow() is { } sketch)
            {
                shares.Add(sketch);
            }

            byName[name] = (shares, Math.Max(max, tally.MaxMemory));
        }

        return result;
    }
}
