namespace GpuQos.Backends.Nvml;

/// <summary>Where the NVML backend looks for what NVML does not tell it.</summary>
public sealed class NvmlBackendOptions
{
    /// <summary>The procfs root for process names (<c>/proc/PID/comm</c>), as node_exporter's <c>--path.procfs</c>.</summary>
    public string ProcRoot { get; init; } = "/proc";

    /// <summary>
    /// Directories searched for <c>nvidia-cuda-mps-control</c>; null means <c>PATH</c>. The binary's name is fixed
    /// and its arguments are built from typed values, so no configuration can make the daemon run another command.
    /// </summary>
    public IReadOnlyList<string>? ExecutableSearchPath { get; init; }

    /// <summary>How long the XID watcher waits in one <c>nvmlEventSetWait_v2</c> call; bounds shutdown latency.</summary>
    public TimeSpan EventWaitTimeout { get; init; } = TimeSpan.FromMilliseconds(500);
}
