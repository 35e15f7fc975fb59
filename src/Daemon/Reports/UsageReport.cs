namespace GpuQos.Daemon.Reports;

/// <summary>GPU-hours used and reserved over a window, per tenant or GPU model, with what was left out and why.</summary>
/// <param name="From">Start of the window.</param>
/// <param name="Until">End of the window.</param>
/// <param name="By">What the rows are.</param>
/// <param name="Rows">One row per tenant, namespace or GPU model, most used first.</param>
/// <param name="TopPods">The pods that used the most SM time, from the sampled process gauges.</param>
/// <param name="Currency">The price file's currency, or null without one.</param>
/// <param name="SkippedHosts">Hosts left out, each with the reason.</param>
/// <param name="FailedRanges">Time ranges whose queries failed, each with the error.</param>
public sealed record UsageReport(
    DateTimeOffset From,
    DateTimeOffset Until,
    UsageGrouping By,
    IReadOnlyList<UsageRow> Rows,
    IReadOnlyList<PodUsage> TopPods,
    string? Currency,
    IReadOnlyList<string> SkippedHosts,
    IReadOnlyList<string> FailedRanges)
{
    /// <summary>True when nothing was left out.</summary>
    public bool Complete => SkippedHosts.Count == 0 && FailedRanges.Count == 0;
}

/// <summary>One row of a usage report.</summary>
/// <param name="Key">The tenant, namespace (empty: time no pod sample accounts for) or GPU model.</param>
/// <param name="UsedGpuHours">GPU-hours of SM time used (from <c>gpuqos_tenant_sm_seconds_total</c>).</param>
/// <param name="ReservedGpuHours">GPU-hours reserved (from <c>gpuqos_tenant_reserved_seconds_total</c>).</param>
/// <param name="Efficiency">Used over reserved, where anything was reserved.</param>
/// <param name="UsedCost">Used GPU-hours priced per GPU model, with a price file.</param>
/// <param name="ReservedCost">Reserved GPU-hours priced per GPU model, with a price file.</param>
/// <param name="UnpricedModels">GPU models of this row the price file does not name.</param>
public sealed record UsageRow(string Key, double UsedGpuHours, double ReservedGpuHours, double? Efficiency, double? UsedCost, double? ReservedCost, IReadOnlyList<string> UnpricedModels);

/// <summary>A pod's SM time over the window, estimated from the process gauges (sampled at each scrape).</summary>
public sealed record PodUsage(string Namespace, string Pod, double GpuHours);
