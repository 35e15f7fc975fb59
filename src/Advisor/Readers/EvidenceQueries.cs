namespace GpuQos.Advisor.Readers;

/// <summary>
/// Every metric name and PromQL string the advisor reads, in one place, so that they can follow the SLA and
/// audit metrics as those settle. <c>{0}</c> in a query is the window (a Prometheus duration such as <c>7d</c>),
/// <c>{1}</c> the matcher of the hosts one query reads. Each query keeps <c>instance</c>, so one Prometheus serves a
/// fleet and the results of host shards are simply put together. Every query aggregates on the server: one value
/// per series (or per instance, GPU and tenant) comes back, never the samples of the window.
/// </summary>
public static class EvidenceQueries
{
    /// <summary>
    /// Where a query's selector takes the shard's hosts (<c>{1}</c>: an <c>instance=~"..."</c> matcher), so that
    /// one query reads a batch of hosts rather than the whole fleet (<see cref="PrometheusEvidenceReader"/>).
    /// </summary>
    private const string Shard = "{{{1}}}";
    public const string GpuInfo = "gpuqos_gpu_info";
    public const string GpuSmUtilization = "gpuqos_gpu_sm_utilization_ratio";
    public const string PartitionInfo = "gpuqos_partition_info";
    public const string VgpuScheduler = "gpuqos_vgpu_scheduler_info";
    public const string TenantSmShare = "gpuqos_tenant_sm_share_ratio";
    public const string TenantMemory = "gpuqos_tenant_memory_used_bytes";
    public const string SlaBreaches = "gpuqos_sla_breaches_total";
    public const string SlaBreachSeconds = "gpuqos_sla_breach_seconds_total";
    public const string SlaObjectiveTarget = "gpuqos_sla_objective_target";
    public const string EnforcementActions = "gpuqos_enforcement_actions_total";
    public const string AuditSlowdown = "gpuqos_audit_slowdown_ratio";
    public const string AuditProbePassed = "gpuqos_audit_probe_passed";
    public const string AuditCovertChannel = "gpuqos_audit_covert_channel_bits_per_second";
    public const string ProcessSmUtilization = "gpuqos_process_sm_utilization_ratio";
    public const string ProcessMemory = "gpuqos_process_memory_used_bytes";
    public const string PartitionSmUtilization = "gpuqos_partition_sm_utilization_ratio";
    public const string PartitionMemory = "gpuqos_partition_memory_used_bytes";

    /// <summary>GPUs as they are now: identity, product name and mode.</summary>
    public const string Gpus = $"last_over_time({GpuInfo}[{{0}}])";

    /// <summary>MIG instances as they are now, with profile, placement and owner.</summary>
    public const string MigPartitions = $"last_over_time({PartitionInfo}{{{{partition_kind=\"mig\",{{1}}}}}}[5m])";

    public const string VgpuPolicies = $"last_over_time({VgpuScheduler}{Shard}[{{0}}])";

    public const string TenantP50 = $"quantile_over_time(0.5, {TenantSmShare}{Shard}[{{0}}])";
    public const string TenantP95 = $"quantile_over_time(0.95, {TenantSmShare}{Shard}[{{0}}])";
    public const string TenantP99 = $"quantile_over_time(0.99, {TenantSmShare}{Shard}[{{0}}])";
    public const string TenantMax = $"max_over_time({TenantSmShare}{Shard}[{{0}}])";
    public const string TenantSamples = $"count_over_time({TenantSmShare}{Shard}[{{0}}])";
    public const string TenantMemoryPeak = $"max_over_time({TenantMemory}{Shard}[{{0}}])";

    public const string GpuP50 = $"quantile_over_time(0.5, {GpuSmUtilization}{Shard}[{{0}}])";
    public const string GpuP95 = $"quantile_over_time(0.95, {GpuSmUtilization}{Shard}[{{0}}])";
    public const string GpuP99 = $"quantile_over_time(0.99, {GpuSmUtilization}{Shard}[{{0}}])";
    public const string GpuMax = $"max_over_time({GpuSmUtilization}{Shard}[{{0}}])";
    public const string GpuSamples = $"count_over_time({GpuSmUtilization}{Shard}[{{0}}])";

    public const string Objectives = $"count by (instance, gpu, tenant) (last_over_time({SlaObjectiveTarget}{Shard}[{{0}}]))";
    public const string Breaches = $"sum by (instance, gpu, tenant) (increase({SlaBreaches}{Shard}[{{0}}]))";
    public const string BreachSeconds = $"sum by (instance, gpu, tenant) (increase({SlaBreachSeconds}{Shard}[{{0}}]))";

    /// <summary>Policy → tenant and GPU, from the objective series, to attribute enforcement actions.</summary>
    public const string PolicyOwners = $"count by (instance, gpu, tenant, policy) (last_over_time({SlaObjectiveTarget}{Shard}[{{0}}]))";
    public const string Throttling = $"sum by (instance, policy) (increase({EnforcementActions}{{{{result=\"applied\",{{1}}}}}}[{{0}}]))";

    public const string Slowdown = $"max by (instance, gpu) (last_over_time({AuditSlowdown}{Shard}[{{0}}]))";
    public const string ProbesPassed = $"min by (instance, gpu) (last_over_time({AuditProbePassed}{Shard}[{{0}}]))";
    public const string CovertChannel = $"max by (instance, gpu) (last_over_time({AuditCovertChannel}{Shard}[{{0}}]))";

    /// <summary>
    /// Where no tenant is attributed: processes on whole GPUs, and MIG and vGPU partitions (their own utilization).
    /// Only processes without a tenant: a GPU with any attributed process has tenant series and reads those, so the
    /// per-process figures of attributed processes (thousands of short pods' series a week) would come back unused.
    /// </summary>
    public static readonly DemandSeries Processes = new(ProcessSmUtilization, ProcessMemory, "tenant=\"\",");
    public static readonly DemandSeries Partitions = new(PartitionSmUtilization, PartitionMemory, "partition_kind=~\"mig|vgpu\",");

    /// <summary>
    /// The first minute of the window with tenant series: how much of the window the data covers. The series are
    /// counted at each step before <c>timestamp</c>, so each step costs one aggregation: <c>timestamp</c> of every
    /// series at every step took over 60 s (and timed the advice out) on 50 generated hosts x 1 day, 0.66 s so
    /// (docs/performance.md, "Fleet").
    /// </summary>
    public const string Coverage = $"min_over_time(timestamp(count({TenantMemory}{Shard}))[{{0}}:1m])";

    /// <summary>The span at the start of the window that <see cref="CoverageHead"/> looks at first.</summary>
    public static readonly TimeSpan CoverageHeadSpan = TimeSpan.FromHours(1);

    /// <summary>
    /// <see cref="Coverage"/> over the first hour of the window alone (<c>{0}</c> is the window less that hour, as an
    /// offset). A subquery's steps are aligned to multiples of its step whatever the offset, so these are the first 60
    /// steps of <see cref="Coverage"/>: where they hold tenant data, their first is the window's, and the other 10,020
    /// steps of a week need no evaluation. Where Prometheus holds data for the whole window, which is the usual case,
    /// that is all: at 100 hosts x 7 days the whole window's subquery was 2.7 s of the advice's 6 s of evaluation.
    /// </summary>
    public const string CoverageHead = $"min_over_time(timestamp(count({TenantMemory}{Shard}))[1h:1m] offset {{0}})";

    /// <summary>Fills the window and the hosts' matcher (such as <c>instance=~"a|b"</c>) into a query.</summary>
    public static string For(string query, string window, string hosts) => string.Format(System.Globalization.CultureInfo.InvariantCulture, query, window, hosts);
}
