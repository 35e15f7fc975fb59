using GpuQos.Advisor.Readers;

namespace GpuQos.Daemon.Reports;

/// <summary>
/// Reads a usage report from Prometheus. A long window is split into ranges of at most <c>split</c>, queried one
/// after another (so that no single query touches more than a range's samples), and their increases added up.
/// A range whose query fails twice is named in the report and left out; a host whose figures are impossible
/// (more GPU-time on a GPU than the range has, a negative or non-finite increase) is named and left out whole.
/// Neither stops the report.
/// </summary>
public sealed class UsageReader(PrometheusClient prometheus)
{
    // A GPU cannot be used or reserved for more than the range, but increase() extrapolates to the range's ends
    // and a restarted counter's first scrape may fall just inside it: a little slack before calling it impossible.
    private const double Slack = 1.05;

    /// <summary>Reads the report for the request's window.</summary>
    /// <param name="request">Window, grouping, prices.</param>
    /// <param name="progress">Told the fraction of ranges done (0..1) after each range.</param>
    /// <param name="ct">Stops between queries.</param>
    public async Task<UsageReport> ReadAsync(UsageRequest request, IProgress<double>? progress, CancellationToken ct)
    {
        var ranges = Ranges(request.From, request.Until, request.Split);
        var totals = new Dictionary<UsageKey, (double Used, double Reserved)>();
        var pods = new Dictionary<(string Instance, string Namespace, string Pod), double>();
        var badHosts = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var failed = new List<string>();
        for (var i = 0; i < ranges.Count; i++)
        {
            var (end, length) = ranges[i];
            try
            {
                // A range's queries are independent: Prometheus evaluates them side by side (on as many cores as it
                // has), where one after another the report waits for each in turn.
                var usedTask = QueryTwiceAsync(UsageQueries.Increase(UsageQueries.Used, length), end, ct);
                var reservedTask = QueryTwiceAsync(UsageQueries.Increase(UsageQueries.Reserved, length), end, ct);
                var weightsTask = request.By == UsageGrouping.Namespace ? QueryTwiceAsync(UsageQueries.NamespaceWeights(length), end, ct) : null;
                var used = await usedTask;
                var reserved = await reservedTask;
                var weights = weightsTask is null ? null : Weights(await weightsTask);
                CheckHosts(used, length, "used", badHosts);
                CheckHosts(reserved, length, "reserved", badHosts);
                Add(totals, used, reserved: false, weights);
                Add(totals, reserved, reserved: true, weights);
                if (request.Top > 0)
                {
                    foreach (var s in await QueryTwiceAsync(UsageQueries.PodUse(length), end, ct))
                    {
                        var key = (s.Label("instance"), s.Label("namespace"), s.Label("pod"));
                        pods[key] = pods.GetValueOrDefault(key) + (double.IsFinite(s.Value) ? s.Value : 0);
                    }
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or PrometheusQueryException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException && !ct.IsCancellationRequested)
            {
                failed.Add($"{(end - length):yyyy-MM-ddTHH:mm:ssZ} to {end:yyyy-MM-ddTHH:mm:ssZ}: {ex.Message}");
            }

            progress?.Report((i + 1.0) / ranges.Count);
        }

        var kept = totals.Where(t => !badHosts.ContainsKey(t.Key.Instance)).ToList();
        var rows = kept
            .GroupBy(t => request.By switch { UsageGrouping.Tenant => t.Key.Tenant, UsageGrouping.Namespace => t.Key.Namespace, _ => t.Key.Model }, StringComparer.Ordinal)
            .Select(g => Row(g.Key, [.. g.Select(t => (t.Key.Model, t.Value.Used, t.Value.Reserved))], request.Prices))
            .OrderByDescending(r => r.UsedGpuHours).ThenBy(r => r.Key, StringComparer.Ordinal)
            .ToList();
        var top = pods.Where(p => !badHosts.ContainsKey(p.Key.Instance))
            .GroupBy(p => (p.Key.Namespace, p.Key.Pod)).Select(g => (g.Key, Value: g.Sum(p => p.Value)))
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key.Pod, StringComparer.Ordinal).Take(request.Top).Select(p => new PodUsage(p.Key.Namespace, p.Key.Pod, p.Value / 3600)).ToList();
        return new UsageReport(request.From, request.Until, request.By, rows, top, request.Prices?.Currency,
            [.. badHosts.Select(h => $"{h.Key}: {h.Value}")], failed);
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

    private async Task<IReadOnlyList<PromSample>> QueryTwiceAsync(string query, DateTimeOffset at, CancellationToken ct)
    {
        try
        {
            return await prometheus.QueryAsync(query, at, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            // One retry: a fleet's Prometheus under load times out now and then, and a range is worth a second try.
            return await prometheus.QueryAsync(query, at, ct);
        }
    }

    private static void CheckHosts(IReadOnlyList<PromSample> samples, TimeSpan range, string what, SortedDictionary<string, string> badHosts)
    {
        var limit = (range.TotalSeconds * Slack) + 120;
        foreach (var gpu in samples.GroupBy(s => (Instance: s.Label("instance"), Uuid: s.Label("uuid"))))
        {
            var sum = gpu.Sum(s => s.Value);
            if (!double.IsFinite(sum) || gpu.Any(s => s.Value < 0))
            {
                badHosts.TryAdd(gpu.Key.Instance, $"GPU {gpu.Key.Uuid}: {what} increase is {sum}, not a number of seconds");
            }
            else if (sum > limit)
            {
                badHosts.TryAdd(gpu.Key.Instance, $"GPU {gpu.Key.Uuid}: {sum / 3600:F2} GPU-hours {what} in a range of {range.TotalHours:F2} h");
            }
        }
    }

    /// <summary>Each (host, GPU, tenant)'s namespaces with their share of its sampled SM time; shares add up to 1.</summary>
    private static Dictionary<(string Instance, string Uuid, string Tenant), List<(string Namespace, double Share)>> Weights(IReadOnlyList<PromSample> samples)
    {
        var weights = new Dictionary<(string, string, string), List<(string Namespace, double Share)>>();
        foreach (var tenant in samples.Where(s => double.IsFinite(s.Value) && s.Value > 0).GroupBy(s => (s.Label("instance"), s.Label("uuid"), s.Label("tenant"))))
        {
            var sum = tenant.Sum(s => s.Value);
            weights[tenant.Key] = [.. tenant.Select(s => (s.Label("namespace"), s.Value / sum))];
        }

        return weights;
    }

    /// <summary>
    /// Adds a range's increases. With namespace weights, each (host, GPU, tenant)'s increase is split among its
    /// namespaces; one no pod sample accounts for goes to the empty namespace rather than being guessed.
    /// </summary>
    private static void Add(Dictionary<UsageKey, (double Used, double Reserved)> totals, IReadOnlyList<PromSample> samples, bool reserved,
        Dictionary<(string Instance, string Uuid, string Tenant), List<(string Namespace, double Share)>>? weights)
    {
        foreach (var s in samples)
        {
            var (instance, uuid, tenant) = (s.Label("instance"), s.Label("uuid"), s.Label("tenant"));
            List<(string Namespace, double Share)> shares = weights is not null && weights.TryGetValue((instance, uuid, tenant), out var w) ? w : [("", 1)];
            foreach (var (ns, share) in shares)
            {
                var key = new UsageKey(instance, uuid, tenant, s.Label("gpu_model"), ns);
                var current = totals.GetValueOrDefault(key);
                totals[key] = reserved ? (current.Used, current.Reserved + (s.Value * share)) : (current.Used + (s.Value * share), current.Reserved);
            }
        }
    }

    /// <summary>Where a counted figure belongs: host, GPU, tenant, GPU model, and namespace (empty unless split by it).</summary>
    private readonly record struct UsageKey(string Instance, string Uuid, string Tenant, string Model, string Namespace);

    private static UsageRow Row(string key, IReadOnlyList<(string Model, double Used, double Reserved)> parts, PriceListOptions? prices)
    {
        var used = parts.Sum(p => p.Used) / 3600;
        var reserved = parts.Sum(p => p.Reserved) / 3600;
        double? usedCost = null, reservedCost = null;
        var unpriced = new SortedSet<string>(StringComparer.Ordinal);
        if (prices is not null)
        {
            usedCost = 0;
            reservedCost = 0;
            foreach (var (model, u, r) in parts)
            {
                if (prices.Prices.TryGetValue(model, out var price))
                {
                    usedCost += u / 3600 * price;
                    reservedCost += r / 3600 * price;
                }
                else
                {
                    unpriced.Add(model);
                }
            }
        }

        return new UsageRow(key, used, reserved, reserved > 0 ? used / reserved : null, usedCost, reservedCost, [.. unpriced]);
    }
}
