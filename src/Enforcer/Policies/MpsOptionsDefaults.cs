namespace GpuQos.Enforcer.Policies;

/// <summary>Defaults for <see cref="MpsOptions"/>: where NVIDIA's packages install MPS and where MPS puts its pipes.</summary>
public static class MpsOptionsDefaults
{
    /// <summary>Where the driver packages install the control binary.</summary>
    public const string ControlBinary = "/usr/bin/nvidia-cuda-mps-control";

    /// <summary>MPS's pipe directory when <c>CUDA_MPS_PIPE_DIRECTORY</c> is not set.</summary>
    public const string PipeDirectory = "/run/nvidia-mps";

    /// <summary>Five seconds: the shell answers in milliseconds unless the control daemon is stuck.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
}
