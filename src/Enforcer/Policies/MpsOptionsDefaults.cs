namespace GpuQos.Enforcer.Policies;

/// <summary>Defaults for <see cref="MpsOptions"/>: where NVIDIA's packages install MPS and where MPS puts its pipes.</summary>
public static class MpsOptionsDefaults
{
    /// <summary>The control program's file name; <c>controlBinary</c> may move it, not rename it.</summary>
    public const string ControlBinaryName = "nvidia-cuda-mps-control";

    /// <summary>Where the driver packages install the control binary.</summary>
    public const string ControlBinary = "/usr/bin/" + ControlBinaryName;

    /// <summary>
    /// The pipe directory to start the MPS control daemon with (<c>CUDA_MPS_PIPE_DIRECTORY</c>). Not MPS's own
    /// default, <c>/tmp/nvidia-mps</c>, which any local user can create first and fill with their own pipes.
    /// </summary>
    public const string PipeDirectory = "/run/nvidia-mps";

    /// <summary>Five seconds: the shell answers in milliseconds unless the control daemon is stuck.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
}
