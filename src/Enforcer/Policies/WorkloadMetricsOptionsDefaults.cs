namespace GpuQos.Enforcer.Policies;

/// <summary>Defaults for <see cref="WorkloadMetricsOptions"/>.</summary>
public static class WorkloadMetricsOptionsDefaults
{
    /// <summary>A read longer than the default collection interval could not keep up with it.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    /// <summary>Large enough for an inference server's full page (vLLM's is tens of KiB), small enough to bound the daemon's memory.</summary>
    public const long MaxBytes = 4L * 1024 * 1024;
}
