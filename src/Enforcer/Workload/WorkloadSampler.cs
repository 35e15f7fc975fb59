using GpuQos.Enforcer.Policies;
using Microsoft.Extensions.Logging;

namespace GpuQos.Enforcer.Workload;

/// <summary>
/// Reads every source the policies' latency and throughput objectives name, once per collection interval, on
/// its own loop: a slow or hung source never delays a snapshot, a scrape of the daemon, or another source.
/// A source whose previous read is still running is skipped that round rather than read twice at once.
/// </summary>
public sealed class WorkloadSampler
{
    private readonly WorkloadReadings _readings;
    private readonly Dictionary<string, IWorkloadSourceReader> _readers;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Task> _inFlight = new(StringComparer.Ordinal);
    private readonly HashSet<string> _failing = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Creates the sampler.</summary>
    public WorkloadSampler(WorkloadReadings readings, IEnumerable<IWorkloadSourceReader> readers, ILogger<WorkloadSampler> logger)
    {
        ArgumentNullException.ThrowIfNull(readers);
        _readings = readings;
        _readers = readers.ToDictionary(r => r.Kind, StringComparer.Ordinal);
        _logger = logger;
    }

    /// <summary>Each source the policies read, with the metric names kept from it (null: every sample).</summary>
    public static IReadOnlyDictionary<WorkloadSource, HashSet<string>?> SourcesOf(IEnumerable<PolicyOptions> policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        var sources = new Dictionary<WorkloadSource, HashSet<string>?>();
        foreach (var objective in policies.SelectMany(p => p.Objectives).Where(o => KnownPolicyTypes.Objectives.IsWorkload(o.Type)))
        {
            if (objective.ParsedSource is not { } source)
            {
                continue;
            }

            if (source.Kind == WorkloadSource.Prometheus || objective.Metric is not { } m)
            {
                sources[source] = null;
                continue;
            }

            if (!sources.TryGetValue(source, out var names))
            {
                sources[source] = names = new HashSet<string>(StringComparer.Ordinal);
            }

            names?.UnionWith(objective.Type == KnownPolicyTypes.Objectives.Latency ? [m + "_bucket", m + "_sum", m + "_count"] : [m, m + "_total"]);
        }

        return sources;
    }

    /// <summary>Starts one read of every source of <paramref name="policies"/> whose last read is over; returns the reads started.</summary>
    public Task ReadOnceAsync(IReadOnlyList<PolicyOptions> policies, CancellationToken ct)
    {
        var sources = SourcesOf(policies);
        _readings.Retain(sources.Keys);
        _readings.Keep = policies.SelectMany(p => p.Objectives).Where(o => KnownPolicyTypes.Objectives.IsWorkload(o.Type)).Select(o => o.Window).DefaultIfEmpty(TimeSpan.Zero).Max();
        var started = new List<Task>();
        lock (_lock)
        {
            foreach (var (source, names) in sources)
            {
                var key = source.ToString();
                if (_inFlight.TryGetValue(key, out var running) && !running.IsCompleted)
                {
                    continue;
                }

                var read = ReadAsync(source, names, ct);
                _inFlight[key] = read;
                started.Add(read);
            }

            foreach (var gone in _inFlight.Keys.Where(k => !sources.Keys.Any(s => s.ToString() == k)).ToList())
            {
                _inFlight.Remove(gone);
            }
        }

        return Task.WhenAll(started);
    }

    /// <summary>Reads every <paramref name="interval"/> until cancelled, taking the policies in force at each round.</summary>
    public async Task RunAsync(Func<IReadOnlyList<PolicyOptions>> policies, TimeSpan interval, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(policies);
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            // Not awaited: a source that is slow this round must not hold the next round of the others.
            _ = ReadOnceAsync(policies(), ct);
        }
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
    }

    private async Task ReadAsync(WorkloadSource source, HashSet<string>? names, CancellationToken ct)
    {
        var key = source.ToString();
        try
        {
            if (!_readers.TryGetValue(source.Kind, out var reader))
            {
                throw new WorkloadReadException($"no reader for {source.Kind}: sources (is enforcement.workloadMetrics.prometheus set?)");
            }

            var samples = await reader.ReadAsync(source, names is null ? _ => true : names.Contains, ct).ConfigureAwait(false);
            _readings.Add(source, new WorkloadReading(_readings.Time.GetUtcNow(), samples));
            if (Forget(key))
            {
                WorkloadLog.SourceRecovered(_logger, key);
            }
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Whatever a reader throws costs this source only; its objectives go unknown.
            var error = ex is WorkloadReadException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            _readings.Fail(source, error);
            if (Note(key))
            {
                WorkloadLog.SourceFailed(_logger, key, error);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    // The log says when a source starts and stops failing, not every interval while it does.
    private bool Note(string key)
    {
        lock (_lock)
        {
            return _failing.Add(key);
        }
    }

    private bool Forget(string key)
    {
        lock (_lock)
        {
            return _failing.Remove(key);
        }
    }
}
