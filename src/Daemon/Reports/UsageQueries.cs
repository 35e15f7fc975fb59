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

    /// <summary>What each tenant added to <paramref name="counter"/> on each host's GPUs over <paramref name="range"/> before the evaluation time.</summary>
    public static string Increase(string counter, TimeSpan range) =>
        $"sum by (instance, uuid, tenant, gpu_model) (increase({counter}{{tenant!=\"\"}}[{Range(range)}]))";

    /// <summary>The pods that used the most SM time over the range, in GPU-seconds, from the process gauges sampled each minute.</summary>
    public static string TopPods(int count, TimeSpan range) =>
        $"topk({count}, sum by (namespace, pod) (sum_over_time(gpuqos_process_sm_utilization_ratio{{pod!=\"\"}}[{Range(range)}:1m]))) * 60";

    /// <summary>A range in whole seconds, as PromQL spells it.</summary>
    public static string Range(TimeSpan range) => ((long)Math.Ceiling(range.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s";
}
