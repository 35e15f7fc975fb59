namespace GpuQos.Daemon.Reports;

/// <summary>
/// GPU-seconds used and reserved per counter series, added up from the report's readings, and the hosts whose
/// figures no GPU can produce (more GPU-time on a GPU than the time read, a negative or non-finite figure), named
/// and kept out of the rows.
/// </summary>
internal sealed class UsageTotals
{
    // A GPU cannot be used or reserved for more than the time read, but increase() extrapolates to the range's ends
    // and a restarted counter's first scrape may fall just inside it: a little slack before calling it impossible.
    private const double Slack = 1.05;

    private readonly Dictionary<UsageSeries, (double Used, double Reserved)> _totals = [];
    private readonly SortedDictionary<string, string> _badHosts = new(StringComparer.Ordinal);

    /// <summary>Hosts left out, each with the first reason found.</summary>
    public IReadOnlyList<string> SkippedHosts => [.. _badHosts.Select(h => $"{h.Key}: {h.Value}")];

    /// <summary>
    /// Adds what both counters grew by over <paramref name="seconds"/>, once each GPU's sum is checked against it:
    /// a host with an impossible figure is named, and none of its figures reach the rows.
    /// </summary>
    public void Add(IReadOnlyDictionary<UsageSeries, double> used, IReadOnlyDictionary<UsageSeries, double> reserved, double seconds)
    {
        Check(used, seconds, "used");
        Check(reserved, seconds, "reserved");
        foreach (var (series, value) in used)
        {
            var current = _totals.GetValueOrDefault(series);
            _totals[series] = (current.Used + value, current.Reserved);
        }

        foreach (var (series, value) in reserved)
        {
            var current = _totals.GetValueOrDefault(series);
            _totals[series] = (current.Used, current.Reserved + value);
        }
    }

    /// <summary>One row per tenant, namespace or GPU model, most used first, without the hosts left out.</summary>
    public IReadOnlyList<UsageRow> Rows(UsageGrouping by, NamespaceShares? namespaces, PriceListOptions? prices) =>
        [.. _totals.Where(t => !_badHosts.ContainsKey(t.Key.Instance))
            .SelectMany(t => (by == UsageGrouping.Namespace && namespaces is not null ? namespaces.Of(t.Key) : [("", 1.0)])
                .Select(n => (Key: by switch { UsageGrouping.Tenant => t.Key.Tenant, UsageGrouping.Namespace => n.Item1, _ => t.Key.Model },
                    t.Key.Model, Used: t.Value.Used * n.Item2, Reserved: t.Value.Reserved * n.Item2)))
            .GroupBy(p => p.Key, StringComparer.Ordinal)
            .Select(g => Row(g.Key, [.. g.Select(p => (p.Model, p.Used, p.Reserved))], prices))
            .OrderByDescending(r => r.UsedGpuHours).ThenBy(r => r.Key, StringComparer.Ordinal)];

    /// <summary>Whether the host was left out.</summary>
    public bool Skipped(string instance) => _badHosts.ContainsKey(instance);

    private void Check(IReadOnlyDictionary<UsageSeries, double> values, double seconds, string what)
    {
        var limit = (seconds * Slack) + 120;
        var gpus = new Dictionary<(string Instance, string Uuid), double>();
        foreach (var (series, value) in values)
        {
            var gpu = (series.Instance, series.Uuid);
            gpus[gpu] = gpus.GetValueOrDefault(gpu) + value;
            if (!double.IsFinite(value) || value < 0)
            {
                _badHosts.TryAdd(series.Instance, $"GPU {series.Uuid}: {what} increase is {value}, not a number of seconds");
            }
        }

        foreach (var ((instance, uuid), sum) in gpus.Where(g => g.Value > limit))
        {
            _badHosts.TryAdd(instance, $"GPU {uuid}: {sum / 3600:F2} GPU-hours {what} in a range of {seconds / 3600:F2} h");
        }
    }

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
