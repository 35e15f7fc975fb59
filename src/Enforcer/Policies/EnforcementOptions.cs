using System.ComponentModel.DataAnnotations;

namespace GpuQos.Enforcer.Policies;

/// <summary>Global enforcement settings (the <c>enforcement:</c> section).</summary>
public sealed partial class EnforcementOptions
{
    /// <summary>Global mode; a policy's own <c>mode</c> overrides it.</summary>
    public EnforcementMode Mode { get; init; } = EnforcementMode.Enforce;

    /// <summary>
    /// The action journal (append-only JSON lines, fsynced before each action). When absent:
    /// <see cref="EnforcementOptionsDefaults.Journal"/>, except on the simulated host, whose state dies with the
    /// process, where a per-process file in the temp directory is used and removed at a clean stop.
    /// </summary>
    public string? Journal { get; init; }

    /// <summary>Period of the SIGSTOP/SIGCONT duty cycle.</summary>
    public TimeSpan ThrottlePeriod { get; init; } = EnforcementOptionsDefaults.ThrottlePeriod;

    /// <summary>The least a throttled process may run (a fraction of each period), so it is never starved outright.</summary>
    [Range(0.0, 1.0)]
    public double MinDutyCycle { get; init; } = EnforcementOptionsDefaults.MinDutyCycle;

    /// <summary>Whether processes that belong to no tenant may be throttled. Off by default: unknown processes are never touched.</summary>
    public bool TouchUnattributed { get; init; }

    /// <summary>
    /// Whether the MPS server (<c>nvidia-cuda-mps-server</c>, known by its executable) may be throttled or
    /// reniced. Off by default: stopping it stalls every MPS client on the GPU, not one tenant.
    /// </summary>
    public bool ActOnMpsServer { get; init; }

    /// <summary>Weights for max-min fair sharing between tenants (default 1 each).</summary>
    public Dictionary<string, double> Weights { get; init; } = [];

    /// <summary>How the MPS control daemon is reached, for <c>mps-threads</c> and <c>mps-memory-limit</c>.</summary>
    public MpsOptions Mps { get; init; } = new();

    /// <summary>How latency and throughput objectives read the workloads' own metrics.</summary>
    public WorkloadMetricsOptions WorkloadMetrics { get; init; } = new();

    /// <summary>The cgroup file system root, for the freezer.</summary>
    public string CgroupRoot { get; init; } = EnforcementOptionsDefaults.CgroupRoot;

    /// <summary>How many recent actions <c>/api/v1/actions</c> keeps.</summary>
    [Range(1, 100_000)]
    public int ActionHistory { get; init; } = EnforcementOptionsDefaults.ActionHistory;
}
