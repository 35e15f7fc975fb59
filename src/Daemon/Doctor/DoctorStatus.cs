namespace GpuQos.Daemon.Doctor;

/// <summary>How a check came out.</summary>
public enum DoctorStatus
{
    /// <summary>Works.</summary>
    Ok,

    /// <summary>Works in part, or is absent in a way the daemon is built to live with (NVML NOT_SUPPORTED, no kubelet).</summary>
    Warning,

    /// <summary>Does not work.</summary>
    Failed,
}
