using System.Collections.Concurrent;
using GpuQos.Model.Attribution;

namespace GpuQos.Collectors.Attribution;

/// <summary>
/// The caches attribution answers from. <see cref="AttributionRefresher"/> writes them on its own schedule;
/// the collection cycle only reads them, so it never waits on procfs or the kubelet.
/// </summary>
public sealed class AttributionState
{
    private const int MaxParsedPaths = 16_384;

    private readonly ConcurrentDictionary<int, ProcessFacts> _facts = new();
    private readonly ConcurrentDictionary<string, CgroupIdentity> _parsed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, byte> _wanted = new();
    private volatile PodInventory _inventory = PodInventory.Empty;
    private bool _kubeletUp;
    private long _refreshes;
    private long _kubeletErrors;

    /// <summary>The latest pods; replaced whole on each refresh.</summary>
    public PodInventory Inventory
    {
        get => _inventory;
        set => _inventory = value;
    }

    /// <summary>True when the last PodResources refresh succeeded.</summary>
    public bool KubeletUp
    {
        get => Volatile.Read(ref _kubeletUp);
        set => Volatile.Write(ref _kubeletUp, value);
    }

    /// <summary>Completed scheduled refreshes.</summary>
    public long Refreshes => Interlocked.Read(ref _refreshes);

    /// <summary>PodResources refreshes that failed after the kubelet had been found.</summary>
    public long KubeletErrors => Interlocked.Read(ref _kubeletErrors);

    /// <summary>Raised when a process is seen whose facts are not cached yet.</summary>
    public event Action? Wanted;

    /// <summary>Cached facts for <paramref name="pid"/>; when none are cached, asks the refresher for them.</summary>
    public ProcessFacts? FactsOf(int pid)
    {
        if (_facts.TryGetValue(pid, out var facts))
        {
            return facts;
        }

        if (_wanted.TryAdd(pid, 0))
        {
            Wanted?.Invoke();
        }

        return null;
    }

    /// <summary>Parses a cgroup path the backend supplied, once per distinct path.</summary>
    public CgroupIdentity Parse(string cgroupPath)
    {
        if (_parsed.TryGetValue(cgroupPath, out var identity))
        {
            return identity;
        }

        if (_parsed.Count >= MaxParsedPaths)
        {
            _parsed.Clear();
        }

        return _parsed[cgroupPath] = CgroupParser.ParsePath(cgroupPath);
    }

    /// <summary>PIDs seen without facts since the last call; the refresher drains them.</summary>
    public IReadOnlyList<int> DrainWanted()
    {
        var pids = _wanted.Keys.ToArray();
        foreach (var pid in pids)
        {
            _wanted.TryRemove(pid, out _);
        }

        return pids;
    }

    /// <summary>Counts a completed scheduled refresh.</summary>
    public void CountRefresh() => Interlocked.Increment(ref _refreshes);

    /// <summary>Counts a failed PodResources refresh.</summary>
    public void CountKubeletError() => Interlocked.Increment(ref _kubeletErrors);

    /// <summary>Stores facts read from procfs.</summary>
    public void Store(int pid, ProcessFacts facts) => _facts[pid] = facts;

    /// <summary>Drops facts of processes that are no longer on any GPU, so a reused PID is read afresh.</summary>
    public void Retain(IReadOnlySet<int> live)
    {
        foreach (var pid in _facts.Keys)
        {
            if (!live.Contains(pid))
            {
                _facts.TryRemove(pid, out _);
            }
        }
    }

    /// <summary>PIDs with cached facts.</summary>
    public int CachedProcesses => _facts.Count;
}
