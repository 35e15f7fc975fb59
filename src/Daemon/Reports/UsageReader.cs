using GpuQos.Advisor.Readers;

namespace GpuQos.Daemon.Reports;

/// <summary>
/// Reads a usage report from Prometheus, touching as few samples as the counters allow: what a query touches is
/// what it costs (docs/performance.md, "Fleet").
/// </summary>
/// <remarks>
/// <para>
/// The usage counters only grow while a host's daemon runs. Where the same daemon ran from the window's start to
/// its end (its <c>gpuqos_start_time_seconds</c> the same at both ends and nowhere else in the window), what a
/// tenant used is its counter at the end less its counter at the start, 0 for a series that began inside the
/// window: two readings of <see cref="UsageQueries.Lookback"/> per series instead of every sample of the window.
/// </para>
/// <para>
/// Every other host (its daemon restarted, it was not scraped at one of the ends, a counter of it went down, or no
/// start time is kept for it) is read as before, for those hosts only: <c>increase</c> over ranges of at most
/// <c>split</c>, one after another, added up. So is every host where the census of hosts itself cannot be read.
/// </para>
/// <para>
/// A range whose queries fail twice is named in the report and left out; a host whose figures are impossible is
/// named and left out whole. Neither stops the report.
/// </para>
/// </remarks>
public sealed class UsageReader(PrometheusClient prometheus)
{
    /// <summary>Reads the report for the request's window.</summary>
    /// <param name="request">Window, grouping, prices.</param>
    /// <param name="progress">Told the fraction of the queries' steps done (0..1) after each step.</param>
    /// <param name="ct">Stops between queries.</param>
    public async Task<UsageReport> ReadAsync(UsageRequest request, IProgress<double>? progress, CancellationToken ct)
    {
        var ranges = Ranges(request.From, request.Until, request.Split);
        var steps = (2 * ranges.Count) + 1;
        var done = 0;
        void Step() => progress?.Report(Math.Min(1, ++done / (double)steps));

        var totals = new UsageTotals();
        var failed = new List<string>();
        var hosts = await CensusAsync(request, ranges, Step, ct);
        if (hosts is not null && !await AddSteadyHostsAsync(request, hosts, totals, ct))
        {
            // Without the counters at the ends, the hosts that keep no start time are not known by name either.
            hosts = null;
        }

        Step();

        // The hosts left to read range by range: all of them where the census could not be read.
        var reread = hosts is null ? null : hosts.Seen.Where(h => !hosts.Steady.Contains(h)).ToHashSet(StringComparer.Ordinal);
        var matcher = reread is null || reread.Count * 2 > hosts!.Seen.Count ? null : HostShards.Matcher(reread);
        Func<string, bool> include = reread is null ? _ => true : reread.Contains;
        var namespaces = request.By == UsageGrouping.Namespace ? new NamespaceShares() : null;
        var pods = new Dictionary<(string Instance, string Namespace, string Pod), double>();
        foreach (var (end, length) in ranges)
        {
            try
            {
                // A range's queries are independent: Prometheus evaluates them side by side (on as many cores as it has).
                var read = reread is null || reread.Count > 0;
                var usedTask = read ? SeriesAsync(UsageQueries.Increase(UsageQueries.Used, length, matcher), end, include, ct) : null;
                var reservedTask = read ? SeriesAsync(UsageQueries.Increase(UsageQueries.Reserved, length, matcher), end, include, ct) : null;
                var weightsTask = namespaces is null ? null
                    : SumAsync(UsageQueries.NamespaceWeights(length), end, l => (UsageSeries.Of(l), UsageSeries.Label(l, "namespace")), ct);
                var podsTask = request.Top > 0
                    ? SumAsync(UsageQueries.PodUse(length), end, l => (UsageSeries.Label(l, "instance"), UsageSeries.Label(l, "namespace"), UsageSeries.Label(l, "pod")), ct)
                    : null;
                if (usedTask is not null && reservedTask is not null)
                {
                    totals.Add(await usedTask, await reservedTask, length.TotalSeconds);
                }

                if (weightsTask is not null)
                {
                    foreach (var ((series, ns), value) in await weightsTask)
                    {
                        namespaces!.Add(series, ns, value);
                    }
                }

                if (podsTask is not null)
                {
                    foreach (var (pod, value) in await podsTask)
                    {
                        pods[pod] = pods.GetValueOrDefault(pod) + (double.IsFinite(value) ? value : 0);
                    }
                }
            }
            catch (Exception ex) when (Failed(ex, ct))
            {
                failed.Add($"{end - length:yyyy-MM-ddTHH:mm:ssZ} to {end:yyyy-MM-ddTHH:mm:ssZ}: {ex.Message}");
            }

            Step();
        }

        var top = pods.Where(p => !totals.Skipped(p.Key.Instance))
            .GroupBy(p => (p.Key.Namespace, p.Key.Pod)).Select(g => (g.Key, Value: g.Sum(p => p.Value)))
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key.Pod, StringComparer.Ordinal).Take(request.Top).Select(p => new PodUsage(p.Key.Namespace, p.Key.Pod, p.Value / 3600)).ToList();
        return new UsageReport(request.From, request.Until, request.By, totals.Rows(request.By, namespaces, request.Prices), top, request.Prices?.Currency, totals.SkippedHosts, failed);
    }

    /// <summary>The ranges, newest first: (evaluation time, length), each at most <paramref name="split"/> long.</summary>
    public static IReadOnlyList<(DateTimeOffset End, TimeSpan Length)> Ranges(DateTimeOffset from, DateTimeOffset until, TimeSpan split)
    {
        var ranges = new List<(DateTimeOffset, TimeSpan)>();
        for (var end = until; end > from; end -= split)
        {
            var length = end - from < split ? end - from : split;
            ranges.Add((end, length));
        }

        return ranges;
    }

    /// <summary>
    /// Every host with a daemon start time in the window, and those whose daemon ran through it: the same start time
    /// at the window's start, at its end, and as the latest in it. Null where any of it cannot be read, or no host
    /// keeps a start time: then every host is read range by range.
    /// </summary>
    private async Task<Hosts?> CensusAsync(UsageRequest request, IReadOnlyList<(DateTimeOffset End, TimeSpan Length)> ranges, Action step, CancellationToken ct)
    {
        try
        {
            var latest = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (end, length) in ranges)
            {
                foreach (var (host, start) in await PerHostAsync(UsageQueries.Hosts(length), end, ct))
                {
                    latest[host] = Math.Max(start, latest.GetValueOrDefault(host, double.MinValue));
                }

                step();
            }

            var atStart = await PerHostAsync(UsageQueries.StartTimeAt(), request.From, ct);
            var atEnd = await PerHostAsync(UsageQueries.StartTimeAt(), request.Until, ct);
            var steady = latest.Where(h => atStart.TryGetValue(h.Key, out var s) && atEnd.TryGetValue(h.Key, out var e) && s == e && h.Value == e)
                .Select(h => h.Key).ToHashSet(StringComparer.Ordinal);
            return latest.Count == 0 ? null : new Hosts([.. latest.Keys.Concat(atStart.Keys).Concat(atEnd.Keys)], steady);
        }
        catch (Exception ex) when (Failed(ex, ct))
        {
            return null;
        }
    }

    /// <summary>
    /// Adds the steady hosts' counters, end less start. A host with a series at the start but not at the end, or one
    /// that went down (a reset no restart explains), is no longer steady: it is read range by range instead. Hosts
    /// the counters show but the census did not (no start time kept) are added to those read range by range.
    /// False where the counters at the ends cannot be read: then every host is read range by range.
    /// </summary>
    private async Task<bool> AddSteadyHostsAsync(UsageRequest request, Hosts hosts, UsageTotals totals, CancellationToken ct)
    {
        try
        {
            Func<string, bool> all = _ => true;
            var usedStart = SeriesAsync(UsageQueries.ValueAt(UsageQueries.Used), request.From, all, ct);
            var reservedStart = SeriesAsync(UsageQueries.ValueAt(UsageQueries.Reserved), request.From, all, ct);
            var (usedFrom, reservedFrom) = (await usedStart, await reservedStart);
            var usedEnd = SeriesAsync(UsageQueries.ValueAt(UsageQueries.Used), request.Until, all, ct);
            var reservedEnd = SeriesAsync(UsageQueries.ValueAt(UsageQueries.Reserved), request.Until, all, ct);
            var (usedUntil, reservedUntil) = (await usedEnd, await reservedEnd);
            foreach (var series in usedFrom.Keys.Concat(usedUntil.Keys).Concat(reservedFrom.Keys).Concat(reservedUntil.Keys))
            {
                hosts.Seen.Add(series.Instance);
            }

            var used = Growth(usedFrom, usedUntil, hosts.Steady);
            var reserved = Growth(reservedFrom, reservedUntil, hosts.Steady);
            totals.Add(Only(used, hosts.Steady), Only(reserved, hosts.Steady), (request.Until - request.From + UsageQueries.Lookback).TotalSeconds);
            return true;
        }
        catch (Exception ex) when (Failed(ex, ct))
        {
            return false;
        }
    }

    /// <summary>Each steady host's series, end less start; a host whose series went down or went away is taken out of <paramref name="steady"/>.</summary>
    private static Dictionary<UsageSeries, double> Growth(Dictionary<UsageSeries, double> start, Dictionary<UsageSeries, double> end, HashSet<string> steady)
    {
        var growth = new Dictionary<UsageSeries, double>();
        foreach (var (series, last) in end.Where(s => steady.Contains(s.Key.Instance)))
        {
            var first = start.GetValueOrDefault(series);
            if (last < first)
            {
                steady.Remove(series.Instance);
            }

            growth[series] = last - first;
        }

        foreach (var series in start.Keys.Where(s => steady.Contains(s.Instance) && !end.ContainsKey(s)))
        {
            steady.Remove(series.Instance);
        }

        return growth;
    }

    private static Dictionary<UsageSeries, double> Only(Dictionary<UsageSeries, double> values, HashSet<string> hosts) =>
        values.Where(v => hosts.Contains(v.Key.Instance)).ToDictionary();

    /// <summary>A query's samples summed per counter series, of the hosts <paramref name="include"/> keeps; the query is tried twice.</summary>
    private Task<Dictionary<UsageSeries, double>> SeriesAsync(string query, DateTimeOffset at, Func<string, bool> include, CancellationToken ct) =>
        TwiceAsync(async () =>
        {
            var values = new Dictionary<UsageSeries, double>();
            await prometheus.QueryEachAsync(query, at, (labels, value) =>
            {
                var series = UsageSeries.Of(labels);
                if (include(series.Instance))
                {
                    values[series] = values.GetValueOrDefault(series) + value;
                }
            }, ct);
            return values;
        }, ct);

    /// <summary>A query's samples summed per key; the query is tried twice.</summary>
    private Task<Dictionary<TKey, double>> SumAsync<TKey>(string query, DateTimeOffset at, Func<IReadOnlyDictionary<string, string>, TKey> key, CancellationToken ct)
        where TKey : notnull =>
        TwiceAsync(async () =>
        {
            var values = new Dictionary<TKey, double>();
            await prometheus.QueryEachAsync(query, at, (labels, value) =>
            {
                var k = key(labels);
                values[k] = values.GetValueOrDefault(k) + value;
            }, ct);
            return values;
        }, ct);

    /// <summary>A per-host query's values, the largest where a host has several series; the query is tried twice.</summary>
    private Task<Dictionary<string, double>> PerHostAsync(string query, DateTimeOffset at, CancellationToken ct) =>
        TwiceAsync(async () =>
        {
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            await prometheus.QueryEachAsync(query, at, (labels, value) =>
            {
                var host = UsageSeries.Label(labels, "instance");
                values[host] = Math.Max(value, values.GetValueOrDefault(host, double.MinValue));
            }, ct);
            return values;
        }, ct);

    /// <summary>Runs an attempt, and once more if the connection failed or timed out: a fleet's Prometheus under load times out now and then.</summary>
    private static async Task<T> TwiceAsync<T>(Func<Task<T>> attempt, CancellationToken ct)
    {
        try
        {
            return await attempt();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            // Each attempt adds up its own samples, so what the first one read before it failed is dropped with it.
            return await attempt();
        }
    }

    private static bool Failed(Exception ex, CancellationToken ct) =>
        ex is HttpRequestException or TaskCanceledException or PrometheusQueryException or System.Text.Json.JsonException or InvalidOperationException
        && !ct.IsCancellationRequested;

    /// <summary>The hosts of the window (census, start times, counters), and those whose daemon ran through it.</summary>
    private sealed record Hosts(HashSet<string> Seen, HashSet<string> Steady);
}
