namespace GpuQos.Daemon.Doctor;

/// <summary>What <c>gpuqos doctor</c> found on this host, for what the configuration asks of it.</summary>
public sealed record DoctorReport
{
    /// <summary><c>nvml</c> or <c>sim</c>.</summary>
    public required string Backend { get; init; }

    /// <summary>True on the simulated host: every GPU reading and control is the simulator's.</summary>
    public required bool Simulated { get; init; }

    /// <summary>Driver version, or why it is unknown.</summary>
    public required string DriverVersion { get; init; }

    /// <summary>NVML library version, or why it is unknown.</summary>
    public required string NvmlVersion { get; init; }

    /// <summary>Highest CUDA version the driver supports, or why it is unknown.</summary>
    public required string CudaDriverVersion { get; init; }

    /// <summary>The GPUs.</summary>
    public required IReadOnlyList<DoctorGpu> Gpus { get; init; }

    /// <summary>Every check, GPUs first in index order, then the host.</summary>
    public required IReadOnlyList<DoctorCheck> Checks { get; init; }

    /// <summary>What the configuration asks for that cannot work.</summary>
    public IReadOnlyList<DoctorCheck> Problems => [.. Checks.Where(c => c.Blocking)];

    /// <summary>True when everything the configuration asks for can work.</summary>
    public bool Healthy => Problems.Count == 0;
}
