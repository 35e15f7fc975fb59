using GpuQos.Model.Snapshots;

namespace GpuQos.Daemon.Http.Api;

/// <summary>
/// <c>GET /api/v1/state</c>: the latest snapshot, with a section from each feature that runs (SLA states, the
/// configuration, attribution, audits). <c>gpuqos status</c> reads this record back, so a renamed field is a
/// compile error on both sides rather than an empty column.
/// </summary>
public sealed record StateDocument
{
    /// <summary>When the snapshot was taken.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Collection cycle number, from 1.</summary>
    public required long Sequence { get; init; }

    /// <summary>Backend that produced it: <c>nvml</c> or <c>sim</c>.</summary>
    public required string Backend { get; init; }

    /// <summary>Every GPU, with its partitions and processes.</summary>
    public required IReadOnlyList<GpuState> Gpus { get; init; }

    /// <summary>Per tenant and GPU usage.</summary>
    public IReadOnlyList<TenantUsage> Tenants { get; init; } = [];

    /// <summary>How each collector fared in this cycle.</summary>
    public IReadOnlyList<CollectorState> Collectors { get; init; } = [];

    /// <summary>One row per (policy, tenant, GPU) and per failed policy; absent without enforcement.</summary>
    public IReadOnlyList<SlaRow>? Sla { get; init; }

    /// <summary>The sources latency and throughput objectives read; absent when no objective reads one.</summary>
    public IReadOnlyList<WorkloadSourceState>? WorkloadMetrics { get; init; }

    /// <summary>The configuration in force and the last reload.</summary>
    public ConfigState? Config { get; init; }

    /// <summary>The kubelet attribution's health and cache.</summary>
    public AttributionSummary? Attribution { get; init; }

    /// <summary>The isolation audit's schedule and last outcome.</summary>
    public AuditSummary? Audit { get; init; }
}
