using System.ComponentModel.DataAnnotations;
using GpuQos.IsolationProbes.Kernels;

namespace GpuQos.IsolationProbes.Audit;

/// <summary>Isolation audit settings: schedule, probes, pairs, thresholds (the <c>audit:</c> section).</summary>
public sealed partial class AuditOptions
{
    /// <summary>Run scheduled audits in the daemon. <c>gpuqos audit</c> runs regardless.</summary>
    public bool Enabled { get; init; }

    /// <summary>Run an audit this often (mutually exclusive with <see cref="Cron"/>).</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary>Run an audit on this cron expression, UTC, five fields (mutually exclusive with <see cref="Interval"/>).</summary>
    public string? Cron { get; init; }

    /// <summary>Start scheduled audits only inside this daily window.</summary>
    public AuditWindowOptions? Window { get; init; }

    /// <summary>Start scheduled audits only while every GPU's utilization is at or below this (0..1); a busy GPU postpones the audit.</summary>
    [Range(0.0, 1.0)]
    public double? MaxGpuUtilization { get; init; }

    /// <summary>Accelerator the workers use.</summary>
    public AcceleratorChoice Accelerator { get; init; } = AcceleratorChoice.Auto;

    /// <summary>Warm-up runs per condition.</summary>
    [Range(0, 100)]
    public int Warmup { get; init; } = AuditOptionsDefaults.Warmup;

    /// <summary>Timed runs per condition.</summary>
    [Range(5, 1000)]
    public int Repetitions { get; init; } = AuditOptionsDefaults.Repetitions;

    /// <summary>Probes to run. Default: all.</summary>
    public List<ProbeKind> Probes { get; init; } = [.. AuditOptionsDefaults.Probes];

    /// <summary>Victim/aggressor pairs. Empty: every ordered pair of partitions on the same device.</summary>
    public List<AuditPairOptions> Pairs { get; init; } = [];

    /// <summary>Slowdown thresholds per sharing mode.</summary>
    public AuditThresholdOptions Thresholds { get; init; } = new();

    /// <summary>A covert channel fails above this capacity (bit/s).</summary>
    [Range(0.0, 1e9)]
    public double CovertChannelMaxBitsPerSecond { get; init; } = AuditOptionsDefaults.CovertChannelMaxBitsPerSecond;

    /// <summary>Significance level for the distribution tests.</summary>
    [Range(1e-6, 0.5)]
    public double Significance { get; init; } = AuditOptionsDefaults.Significance;

    /// <summary>CPU partitions for the CPU accelerator. Default: one per core the daemon may use (at most four).</summary>
    public List<CpuPartitionOptions> CpuPartitions { get; init; } = [];

    /// <summary>
    /// The unprivileged user the probe workers run as when the daemon runs as root (default <c>nobody</c>,
    /// UID 65534 on most distributions): no capabilities, its own UID and primary group, a minimal environment.
    /// A worker runs tenant-like code on shared hardware and needs none of the daemon's privileges.
    /// </summary>
    public string WorkerUser { get; init; } = AuditOptionsDefaults.WorkerUser;

    /// <summary>
    /// The nice value the coordinator gives the workers (victim and aggressor alike). Default 0: a worker runs
    /// tenant-like code and gets no more CPU priority than a tenant. A negative value makes timings on a busy
    /// host less noisy, at the cost of letting the workers (pinned, but able to re-pin themselves) outrun the
    /// host's other processes while an audit runs.
    /// </summary>
    [Range(-20, 19)]
    public int WorkerNice { get; init; }

    /// <summary>
    /// The probe worker executable (<c>gpuqos-probe</c>, or a <c>gpuqos-probe.dll</c> run through the dotnet host).
    /// Default: the one installed beside <c>gpuqos</c>.
    /// </summary>
    public string? WorkerPath { get; init; }

    /// <summary>How long a worker may take to answer one request before it is killed.</summary>
    public TimeSpan WorkerTimeout { get; init; } = AuditOptionsDefaults.WorkerTimeout;
}
