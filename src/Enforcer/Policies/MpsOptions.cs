using System.ComponentModel.DataAnnotations;

namespace GpuQos.Enforcer.Policies;

/// <summary>How the enforcer reaches the MPS control daemon (the <c>enforcement.mps:</c> section).</summary>
public sealed partial class MpsOptions
{
    /// <summary>
    /// Absolute path of <c>nvidia-cuda-mps-control</c>. It is run as the daemon's user (root), so it is refused at
    /// action time unless root owns it and neither group nor others may write it.
    /// </summary>
    [Required]
    public string ControlBinary { get; init; } = MpsOptionsDefaults.ControlBinary;

    /// <summary>The control daemon's pipe directory (<c>CUDA_MPS_PIPE_DIRECTORY</c>), where the MPS clients find it.</summary>
    [Required]
    public string PipeDirectory { get; init; } = MpsOptionsDefaults.PipeDirectory;

    /// <summary>How long one control command may take.</summary>
    public TimeSpan Timeout { get; init; } = MpsOptionsDefaults.Timeout;
}
