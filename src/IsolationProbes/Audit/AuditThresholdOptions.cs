namespace GpuQos.IsolationProbes.Audit;

/// <summary>
/// Slowdown thresholds per sharing mode: a timing probe fails when the lower bound of the slowdown's
/// confidence interval is above its mode's threshold. Null means "report the figures, never fail" — the
/// right default where the sharing mode promises no isolation (time-slicing, MPS, vGPU best effort).
/// </summary>
public sealed class AuditThresholdOptions
{
    /// <summary>MIG instances (hardware partitions). Default <see cref="AuditOptionsDefaults.MigSlowdown"/>.</summary>
    public double? Mig { get; init; } = AuditOptionsDefaults.MigSlowdown;

    /// <summary>Exclusive GPUs (tenants on different devices). Default <see cref="AuditOptionsDefaults.ExclusiveSlowdown"/>.</summary>
    public double? Exclusive { get; init; } = AuditOptionsDefaults.ExclusiveSlowdown;

    /// <summary>vGPU instances. Default: report only.</summary>
    public double? Vgpu { get; init; }

    /// <summary>MPS clients. Default: report only.</summary>
    public double? Mps { get; init; }

    /// <summary>Time-sliced GPUs. Default: report only, since time-slicing promises no isolation.</summary>
    public double? TimeSliced { get; init; }

    /// <summary>CPU partitions (sets of cores, CPU accelerator). Default <see cref="AuditOptionsDefaults.CpuCoresSlowdown"/>.</summary>
    public double? CpuCores { get; init; } = AuditOptionsDefaults.CpuCoresSlowdown;

    /// <summary>The threshold for a partition mode label (<c>mig</c>, <c>time-sliced</c>, <c>cpu-cores</c>, …).</summary>
    public double? For(string mode) => mode switch
    {
        "mig" => Mig,
        "exclusive" => Exclusive,
        "vgpu" => Vgpu,
        "mps" => Mps,
        "time-sliced" => TimeSliced,
        "cpu-cores" => CpuCores,
        _ => null,
    };
}
