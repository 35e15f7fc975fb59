namespace GpuQos.Model.Snapshots;

/// <summary>
/// Holds the latest snapshot and a bounded history of recent ones, for exposition, the HTTP API and the
/// SLA evaluator's windows. Publishing swaps a reference; readers never block the collector. Every snapshot
/// but the latest is kept in its compact form (<see cref="HostSnapshot.Compact"/>): a 10-minute history of
/// a crowded host would otherwise hold hundreds of thousands of process records nobody reads again.
/// </summary>
public sealed class SnapshotStore
{
    private readonly HostSnapshot?[] _ring;
    private readonly Lock _lock = new();
    private volatile HostSnapshot? _latest;
    private int _next;
    private int _count;

    /// <param name="capacity">How many snapshots the history keeps (e.g. 10 minutes at 1 s).</param>
    public SnapshotStore(int capacity = 600)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new HostSnapshot?[capacity];
    }

    /// <summary>The most recent snapshot, or null before the first cycle.</summary>
    public HostSnapshot? Latest => _latest;

    /// <summary>Adds a snapshot; the oldest falls out of the history when it is full.</summary>
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
                var s = _ring[(_next - _count + i + _ring.Length) % _ring.Length]!;
                if (s.Timestamp >= from)
                {
                    result.Add(s);
                }
            }

            return result;
        }
    }
}
