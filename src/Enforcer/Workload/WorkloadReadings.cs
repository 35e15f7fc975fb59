namespace GpuQos.Enforcer.Workload;

/// <summary>
/// The recent reads of every workload metrics source, kept for the longest objective window, with what went
/// wrong. The sampler writes from its own loop; the evaluator reads under the enforcer's lock. Thread-safe.
/// </summary>
public sealed class WorkloadReadings(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SourceState> _sources = new(StringComparer.Ordinal);

    /// <summary>The clock reads are stamped with and windows end at.</summary>
    public TimeProvider Time { get; } = time;

    /// <summary>How long reads are kept: the longest window of the objectives that read them.</summary>
    public TimeSpan Keep { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Records a successful read.</summary>
    public void Add(WorkloadSource source, WorkloadReading reading)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(reading);
        lock (_lock)
        {
            var state = StateOf(source);
            state.Reads++;
            state.LastRead = reading.At;
            state.LastError = null;
            state.History.Add(reading);

            // One read older than the window is kept: it is the base the window's increases start from.
            var cut = reading.At - Keep;
            var drop = 0;
            while (drop + 1 < state.History.Count && state.History[drop + 1].At <= cut)
            {
                drop++;
            }

            state.History.RemoveRange(0, drop);
        }
    }

    /// <summary>Records a failed read.</summary>
    public void Fail(WorkloadSource source, string error)
    {
        ArgumentNullException.ThrowIfNull(source);
        lock (_lock)
        {
            var state = StateOf(source);
            state.Failures++;
            state.LastError = error;
        }
    }

    /// <summary>Records that an objective on <paramref name="source"/> could not be evaluated, and why.</summary>
    public void NoteUnknown(WorkloadSource source, string reason)
    {
        ArgumentNullException.ThrowIfNull(source);
        lock (_lock)
        {
            var state = StateOf(source);
            state.Unknown++;
            state.LastUnknown = reason;
        }
    }

    /// <summary>The reads at or after <paramref name="start"/>, oldest first, preceded by the last one before it.</summary>
    public IReadOnlyList<WorkloadReading> Since(WorkloadSource source, DateTimeOffset start)
    {
        ArgumentNullException.ThrowIfNull(source);
        lock (_lock)
        {
            if (!_sources.TryGetValue(source.ToString(), out var state))
            {
                return [];
            }

            var first = state.History.FindIndex(r => r.At >= start);
            if (first < 0)
            {
                return [];
            }

            return state.History.GetRange(Math.Max(0, first - 1), state.History.Count - Math.Max(0, first - 1));
        }
    }

    /// <summary>Forgets the sources no objective reads any more (after a reload).</summary>
    public void Retain(IEnumerable<WorkloadSource> sources)
    {
        var keep = sources.Select(s => s.ToString()).ToHashSet(StringComparer.Ordinal);
        lock (_lock)
        {
            foreach (var key in _sources.Keys.Where(k => !keep.Contains(k)).ToList())
            {
                _sources.Remove(key);
            }
        }
    }

    /// <summary>Every source's reads, failures and unknown evaluations, by source.</summary>
    public IReadOnlyList<WorkloadSourceStatus> Status()
    {
        lock (_lock)
        {
            return _sources.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => new WorkloadSourceStatus(kv.Key, kv.Value.Reads, kv.Value.Failures, kv.Value.LastRead, kv.Value.LastError, kv.Value.Unknown, kv.Value.LastUnknown))
                .ToList();
        }
    }

    private SourceState StateOf(WorkloadSource source)
    {
        var key = source.ToString();
        if (!_sources.TryGetValue(key, out var state))
        {
            _sources[key] = state = new SourceState();
        }

        return state;
    }

    private sealed class SourceState
    {
        public List<WorkloadReading> History { get; } = [];
        public long Reads { get; set; }
        public long Failures { get; set; }
        public DateTimeOffset? LastRead { get; set; }
        public string? LastError { get; set; }
        public long Unknown { get; set; }
        public string? LastUnknown { get; set; }
    }
}
