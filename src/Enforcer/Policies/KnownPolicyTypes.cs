namespace GpuQos.Enforcer.Policies;

/// <summary>
/// The type names a policy may use for objectives and actions, as they are spelled in YAML. Kept in one place
/// so that validation, the factories and the documentation agree on every spelling.
/// </summary>
public static class KnownPolicyTypes
{
    /// <summary>Objective (trigger) types.</summary>
    public static class Objectives
    {
        /// <summary>The tenant gets at least <c>share</c> of the GPU's SM time while it has demand.</summary>
        public const string MinSmShare = "min-sm-share";

        /// <summary>The tenant uses at most <c>share</c> of the GPU's SM time.</summary>
        public const string MaxSmShare = "max-sm-share";

        /// <summary>The tenant holds at most <c>bytes</c> of device memory on the GPU.</summary>
        public const string MaxMemory = "max-memory";

        /// <summary>At most <c>count</c> other tenants run on the tenant's partition.</summary>
        public const string MaxCoTenants = "max-co-tenants";

        /// <summary>A quantile (or the mean) of the workload's own request latency stays at most <c>latency</c>.</summary>
        public const string Latency = "latency";

        /// <summary>The rate of the workload's own counter (requests, samples) stays at least <c>rate</c> per second.</summary>
        public const string Throughput = "throughput";

        /// <summary>Every objective type.</summary>
        public static IReadOnlyList<string> All { get; } = [MinSmShare, MaxSmShare, MaxMemory, MaxCoTenants, Latency, Throughput];

        /// <summary>True for the objectives read from the workload's own metrics rather than from the GPU.</summary>
        public static bool IsWorkload(string type) => type is Latency or Throughput;
    }

    /// <summary>Action types.</summary>
    public static class Actions
    {
        /// <summary>Duty-cycle the processes of tenants over their share (SIGSTOP/SIGCONT, or the simulator's duty cycle).</summary>
        public const string Throttle = "throttle";

        /// <summary>Freeze the cgroups of tenants over their share until the breach is over.</summary>
        public const string Freeze = "freeze";

        /// <summary>Lock the GPU clock into a range (latency-sensitive tenants).</summary>
        public const string LockClocks = "lock-clocks";

        /// <summary>Set the GPU's power limit.</summary>
        public const string PowerLimit = "power-limit";

        /// <summary>Lower the CPU scheduling priority (nice) of the other tenants' processes.</summary>
        public const string Priority = "priority";

        /// <summary>Cap the other tenants' MPS clients' active-thread percentage.</summary>
        public const string MpsThreads = "mps-threads";

        /// <summary>Set a pinned device-memory limit on the MPS server of tenants over their share.</summary>
        public const string MpsMemoryLimit = "mps-memory-limit";

        /// <summary>End the newest process of a tenant over its memory ceiling: SIGTERM, a grace period, SIGKILL.</summary>
        public const string Evict = "evict";

        /// <summary>Set the GPU's compute mode.</summary>
        public const string ComputeMode = "compute-mode";

        /// <summary>Set the vGPU scheduler policy and time slice.</summary>
        public const string VgpuScheduler = "vgpu-scheduler";

        /// <summary>Every action type.</summary>
        public static IReadOnlyList<string> All { get; } = [Throttle, Freeze, LockClocks, PowerLimit, Priority, MpsThreads, MpsMemoryLimit, Evict, ComputeMode, VgpuScheduler];
    }
}
