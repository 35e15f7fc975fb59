namespace GpuQos.IsolationProbes.Audit;

/// <summary>Command-line overrides of <see cref="AuditOptions"/>.</summary>
public sealed partial class AuditOptions
{
    /// <summary>A copy with the given settings replaced where they are not null.</summary>
    public AuditOptions With(Kernels.AcceleratorChoice? accelerator = null, IReadOnlyList<ProbeKind>? probes = null, int? repetitions = null) => new()
    {
        Enabled = Enabled,
        Interval = Interval,
        Cron = Cron,
        Window = Window,
        MaxGpuUtilization = MaxGpuUtilization,
        Accelerator = accelerator ?? Accelerator,
        Warmup = Warmup,
        Repetitions = repetitions ?? Repetitions,
        Probes = [.. probes ?? Probes],
        Pairs = Pairs,
        Thresholds = Thresholds,
        CovertChannelMaxBitsPerSecond = CovertChannelMaxBitsPerSecond,
        Significance = Significance,
        CpuPartitions = CpuPartitions,
        WorkerUser = WorkerUser,
        WorkerNice = WorkerNice,
        WorkerTimeout = WorkerTimeout,
    };
}
