using System.Globalization;

namespace GpuQos.Daemon.Reports;

/// <summary>
/// The PromQL of <c>gpuqos report usage</c>. Everything is summed on the server (<c>increase</c>, <c>sum by</c>):
/// what comes back is one sample per host, GPU and tenant per range, never the raw series.
/// </summary>
public static class UsageQueries
{
    /// <summary>The counter of SM time used, in GPU-seconds.</summary>
    public const string Used = "gpuqos_tenant_sm_seconds_total";

    /// <summary>The counter of time reserved, in GPU-seconds.</summary>
    public const string Reserved = "gpuqos_tenant_reserved_seconds_total";

    /// <summary>The daemon's start time, one series per host: it changes when the daemon restarts and its counters start again at 0.</summary>
    public const string StartTime = "gpuqos_start_time_seconds";

    /// <summary>
    /// How far before an instant the last scrape of a series is looked for. Longer than any scrape interval in use
    /// (Prometheus's own lookback is 5 minutes; the 1,000-host bench scrapes every 15), and short against a window
    /// of days, which is what makes reading a counter at the window's ends cheap: at 60 s scrapes it touches 60
    /// samples per series where the window's <c>increase</c> touches 1,440 a day.
    /// </summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromHours(1);

    /// <summary>
    /// What each tenant added to <paramref name="counter"/> on each host's GPUs over <paramref name="range"/> before
    /// the evaluation time, on the hosts <paramref name="hosts"/> selects (an <c>instance=~</c> matcher), or all.
    /// </summary>
    public static string Increase(string counter, TimeSpan range, string? hosts = null) =>
        $"sum by (instance, uuid, tenant, gpu_model) (increase({counter}{{tenant!=\"\"{(hosts is null ? "" : "," + hosts)}}}[{Range(range)}]))";

    /// <summary>Each (host, GPU, tenant)'s counter at its last scrape within <see cref="Lookback"/> of the evaluation time.</summary>
    public static string ValueAt(string counter) =>
        $"sum by (instance, uuid, tenant, gpu_model) (last_over_time({counter}{{tenant!=\"\"}}[{Range(Lookback)}]))";

    /// <summary>Each host's daemon start time at its last scrape within <see cref="Lookback"/> of the evaluation time.</summary>
    public static string StartTimeAt() => $"max by (instance) (last_over_time({StartTime}[{Range(Lookback)}]))";

    /// <summary>
    /// Every host scraped in the range, with the latest start time of its daemon there: one series per host, so a
    /// census of the window costs a hundredth of reading the counters (a host has about 45 counter series per counter).
    /// </summary>
    public static string Hosts(TimeSpan range) => $"max by (instance) (max_over_time({StartTime}[{Range(range)}]))";

    /// <summary>
    /// Each pod's SM time over the range, in GPU-seconds: the sum of each process's sampled share
    /// times its target's scrape interval (the range over the target's number of scrapes, from <c>up</c>). An
    /// estimate, as the gauges are samples; no subquery, so the cost is the process series' samples and no more
    /// (a <c>[range:1m]</c> subquery costs a step per minute for every series, which made the advisor's coverage
    /// query time out on 50 hosts).
    /// </summary>
    /// <remarks>Every pod comes back, not a <c>topk</c>: a pod outside one range's top would lose that range's time.</remarks>
    public static string PodUse(TimeSpan range) =>
        $"sum by (instance, namespace, pod) (sum_over_time(gpuqos_process_sm_utilization_ratio{{pod!=\"\"}}[{Range(range)}])"
        + $" * on (instance) group_left () ({Seconds(range)} / max by (instance) (count_over_time(up[{Range(range)}]))))";

    /// <summary>
    /// How each tenant's time on each GPU divides among its pods' namespaces: the namespaces' summed SM-share
    /// samples over the range, one sample per host, GPU, tenant and namespace. The usage counters carry no
    /// <c>namespace</c> (a tenant is defined by selectors that need not follow namespaces, and a label per
    /// namespace would multiply the counters by the namespaces each tenant ever ran in); the process gauges do.
    /// Where a tenant ran in one namespace on the GPU the split is exact whatever the sampling.
    /// </summary>
    public static string NamespaceWeights(TimeSpan range) =>
        $"sum by (instance, uuid, tenant, namespace) (sum_over_time(gpuqos_process_sm_utilization_ratio{{tenant!=\"\",namespace!=\"\"}}[{Range(range)}]))";

    /// <summary>A range in whole seconds, as PromQL spells it.</summary>
    public static string Range(TimeSpan range) => Seconds(range) + "s";

    private static string Seconds(TimeSpan range) => ((long)Math.Ceiling(range.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
