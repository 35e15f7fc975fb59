namespace GpuQos.Model.Snapshots;

/// <summary>
/// Holds the latest snapshot and a bounded history of recent ones, for exposition, the HTTP API and the
/// SLA evaluator's windows. Publishing swaps a reference; readers never block the collector. Every snapshot
/// but the latest is kept in its compact form (<see cref="HostSnapshot.Compact"/>): a 10-minute history of
/// a crowded host would otherwise hold hundreds of thousands of process records nobody reads again.
/// </summary>
/// <remarks>
/// The history is sized by its readers: the capacity (<c>settings.history</c> over the interval) is only the
/// upper bound, and a store keeps no snapshot older than <see cref="Retention"/> behind the latest. The
/// daemon's one reader of windows, the enforcer, raises or lowers the retention to its longest objective
/// window as its policies change, so a host without long windows holds a handful of snapshots, not 600.
/// </remarks>
public sealed class SnapshotStore
{
    private readonly HostSnapshot?[] _ring;
    private readonly Lock _lock = new();
    private volatile HostSnapshot? _latest;
    private TimeSpan _retention;
    private int _next;
    private int _count;

    /// <param name="capacity">The most snapshots the history keeps (e.g. 10 minutes at 1 s).</param>
    /// <param name="retention">
    /// How far behind the latest the history reaches until a reader says otherwise (<see cref="Retain"/>);
    /// null keeps as many as <paramref name="capacity"/> allows.
    /// </param>
    public SnapshotStore(int capacity = 600, TimeSpan? retention = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new HostSnapshot?[capacity];
        _retention = retention ?? TimeSpan.MaxValue;
        ArgumentOutOfRangeException.ThrowIfLessThan(_retention, TimeSpan.Zero, nameof(retention));
    }

    /// <summary>The most recent snapshot, or null before the first cycle.</summary>
    public HostSnapshot? Latest => _latest;

    /// <summary>The most snapshots the history can hold.</summary>
    public int Capacity => _ring.Length;

    /// <summary>How many snapshots the history holds now, the latest included.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>How far behind the latest the history reaches (<see cref="TimeSpan.MaxValue"/>: up to the capacity).</summary>
    public TimeSpan Retention
    {
        get
        {
            lock (_lock)
            {
                return _retention;
            }
        }
    }

    /// <summary>
    /// Keeps the snapshots less than <paramref name="span"/> behind the latest (a window of that span), and never more than the
    /// capacity. A shorter span frees the snapshots it no longer covers at once; a longer one keeps what
    /// arrives from now on (what was already dropped does not come back, so a window that grows fills up
    /// over its own length, as it does after a start).
    /// </summary>
    public void Retain(TimeSpan span)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(span, TimeSpan.Zero);
        lock (_lock)
        {
            _retention = span;
            Trim();
        }
    }

    /// <summary>Adds a snapshot; the oldest falls out of the history when it is full or older than <see cref="Retention"/>.</summary>
    public void Publish(HostSnapshot snapshot)
    {
        lock (_lock)
        {
            if (_count > 0)
            {
                var previous = (_next - 1 + _ring.Length) % _ring.Length;
                _ring[previous] = _ring[previous]!.Compact();
            }

            _ring[_next] = snapshot;
            _next = (_next + 1) % _ring.Length;
            _count = Math.Min(_count + 1, _ring.Length);
            _latest = snapshot;
            Trim();
        }
    }

    /// <summary>
    /// Snapshots no older than <paramref name="window"/> before the latest, oldest first: the latest whole,
    /// the others compact (<see cref="HostSnapshot.Compact"/>).
    /// </summary>
    public IReadOnlyList<HostSnapshot> Window(TimeSpan window)
    {
        lock (_lock)
        {
            if (_latest is not { } latest)
            {
                return [];
            }

            var from = latest.Timestamp - window;
            var result = new List<HostSnapshot>(_count);
            for (var i = 0; i < _count; i++)
            {
                var s = _ring[Oldest(i)]!;
                if (s.Timestamp >= from)
                {
                    result.Add(s);
                }
            }

            return result;
        }
    }

    // The slot of the i-th snapshot held, oldest first.
    private int Oldest(int i) => (_next - _count + i + _ring.Length) % _ring.Length;

    // Drops (and frees) the snapshots a window of the retention would not read: it holds (latest - retention,
    // latest], as the evaluator reads windows. The latest always stays.
    private void Trim()
    {
        if (_latest is not { } latest || latest.Timestamp - DateTimeOffset.MinValue <= _retention)
        {
            return;
        }

        var from = latest.Timestamp - _retention;
        while (_count > 1 && _ring[Oldest(0)]!.Timestamp <= from)
        {
            _ring[Oldest(0)] = null;
            _count--;
        }
    }
}
