namespace GpuQos.Model.Procfs;

/// <summary>Whether the PIDs NVML reports are this daemon's PIDs.</summary>
public enum PidNamespaceState
{
    /// <summary>Neither the namespace links nor <c>NSpid</c> could be read.</summary>
    Unknown,

    /// <summary>The daemon runs in the host's (initial) PID namespace, where NVML's PIDs live.</summary>
    Host,

    /// <summary>The daemon runs in a PID namespace of its own: a PID NVML reports names another process here.</summary>
    Foreign,
}
