using System.ComponentModel.DataAnnotations;
using GpuQos.Model.Configuration;
using GpuQos.Model.Devices;

namespace GpuQos.Enforcer.Policies;

/// <summary>
/// One action of a policy. <see cref="Type"/> picks the action; the other keys are its settings, and each
/// type accepts only its own (see <c>docs/policies.md</c>).
/// </summary>
public sealed partial class ActionOptions
{
    /// <summary>One of <see cref="KnownPolicyTypes.Actions"/>.</summary>
    [Required]
    public string Type { get; init; } = "";

    /// <summary>
    /// For throttle, freeze, priority and mps-threads: the tenants the action may act on. When empty, a
    /// floor objective acts on every other tenant over its fair share, and a ceiling objective on the
    /// policy's own tenant.
    /// </summary>
    public List<string> Tenants { get; init; } = [];

    /// <summary>For lock-clocks: lowest SM clock, MHz.</summary>
    [Range(1u, 10_000u)]
    public uint? MinMhz { get; init; }

    /// <summary>For lock-clocks: highest SM clock, MHz.</summary>
    [Range(1u, 10_000u)]
    public uint? MaxMhz { get; init; }

    /// <summary>For power-limit: the limit in watts.</summary>
    [Range(1.0, 10_000.0)]
    public double? Watts { get; init; }

    /// <summary>For priority: the nice value given to the other tenants' processes (1..19).</summary>
    [Range(1, 19)]
    public int? Nice { get; init; }

    /// <summary>For mps-threads: the active-thread percentage given to the other tenants' MPS clients.</summary>
    [Range(1, 100)]
    public int? Percentage { get; init; }

    /// <summary>For mps-memory-limit: the pinned device-memory limit (e.g. <c>8GiB</c>), rounded down to whole MiB.</summary>
    [ByteSize]
    [Range(1L << 20, long.MaxValue)]
    public long? Bytes { get; init; }

    /// <summary>For evict: how long after SIGTERM a process may take to exit before SIGKILL.</summary>
    public TimeSpan? Grace { get; init; }

    /// <summary>For evict: the most processes the policy may evict per <see cref="EvictionWindow"/>.</summary>
    [Range(1, 1000)]
    public int? MaxEvictions { get; init; }

    /// <summary>For evict: the window <see cref="MaxEvictions"/> counts over.</summary>
    public TimeSpan? EvictionWindow { get; init; }

    /// <summary>For compute-mode: the mode to set.</summary>
    public ComputeMode? ComputeMode { get; init; }

    /// <summary>For vgpu-scheduler: the scheduler policy.</summary>
    public VgpuSchedulerPolicy? Scheduler { get; init; }

    /// <summary>For vgpu-scheduler: the time slice (0 = the driver's default).</summary>
    public TimeSpan? Timeslice { get; init; }
}
