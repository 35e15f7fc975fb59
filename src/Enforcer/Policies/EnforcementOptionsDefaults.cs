namespace GpuQos.Enforcer.Policies;

/// <summary>Defaults for <see cref="EnforcementOptions"/>.</summary>
public static class EnforcementOptionsDefaults
{
    /// <summary>Where the journal lives: state that must survive a crash and a reboot of the daemon.</summary>
    public const string Journal = "/var/lib/gpuqos/actions.jsonl";

    /// <summary>cgroup file system root.</summary>
    public const string CgroupRoot = "/sys/fs/cgroup";

    /// <summary>Five percent: a throttled process keeps making progress and answering heartbeats.</summary>
    public const double MinDutyCycle = 0.05;

    /// <summary>Recent actions kept for the API.</summary>
    public const int ActionHistory = 500;

    /// <summary>100 ms: short enough that a stopped process never misses a heartbeat, long enough that signals cost nothing.</summary>
    public static readonly TimeSpan ThrottlePeriod = TimeSpan.FromMilliseconds(100);
}
