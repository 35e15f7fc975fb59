namespace GpuQos.IsolationProbes.Audit;

/// <summary>Documented defaults of the audit configuration (see docs/probes.md).</summary>
public static class AuditOptionsDefaults
{
    /// <summary>MIG promises dedicated SMs, memory and cache: more than 5 % slowdown is a violation.</summary>
    public const double MigSlowdown = 1.05;

    /// <summary>Separate GPUs: the same bar as MIG.</summary>
    public const double ExclusiveSlowdown = 1.05;

    /// <summary>
    /// CPU cores share caches and the memory bus, and CI machines are noisy, so separate cores only fail at
    /// a 50 % slowdown; a shared core shows about 2×.
    /// </summary>
    public const double CpuCoresSlowdown = 1.5;

    /// <summary>The user probe workers run as: <c>nobody</c> exists on every distribution and owns nothing.</summary>
    public const string WorkerUser = "nobody";

    /// <summary>Warm-up runs before timing.</summary>
    public const int Warmup = 3;

    /// <summary>Timed runs per condition (baseline and contended).</summary>
    public const int Repetitions = 15;

    /// <summary>
    /// A covert channel fails above this capacity in bit/s. TCSEC calls more than 100 bit/s high bandwidth
    /// and 0.1–100 bit/s acceptable only when audited; a channel this probe can decode at all is reliable
    /// enough to deserve a finding, so the bar is set low.
    /// </summary>
    public const double CovertChannelMaxBitsPerSecond = 10;

    /// <summary>Significance level of the distribution tests.</summary>
    public const double Significance = 0.01;

    /// <summary>How long a worker may take to answer one request before it is killed.</summary>
    public static readonly TimeSpan WorkerTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Address-space budget of a CPU partition when none is configured.</summary>
    public const long CpuPartitionMemoryBytes = 256L << 20;

    /// <summary>Every probe, the default selection.</summary>
    public static IReadOnlyList<ProbeKind> Probes { get; } = Enum.GetValues<ProbeKind>();
}
