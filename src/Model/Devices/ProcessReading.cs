namespace GpuQos.Model.Devices;

/// <summary>A process with a context on a GPU, as the backend reports it.</summary>
public sealed record ProcessReading
{
    public required int Pid { get; init; }

    /// <summary>Process name (<c>comm</c>), read from the host's procfs or the scenario.</summary>
    public required string Name { get; init; }

    /// <summary>The partition the process runs in (<see cref="PartitionReading.Id"/>).</summary>
    public required string PartitionId { get; init; }
    public long UsedMemoryBytes { get; init; }

    /// <summary>The contexts it holds on the GPU (compute, graphics, MPS client); a set when several.</summary>
    public ProcessContexts Contexts { get; init; } = ProcessContexts.Compute;

    /// <summary>
    /// Share of the device's SM time used by this process, 0..1. Null where NVML cannot attribute it:
    /// inside MIG instances, and for MPS clients (NVML charges their work to the MPS server).
    /// </summary>
    public double? SmUtilization { get; init; }
    public double? MemoryBandwidthUtilization { get; init; }
    public double? EncoderUtilization { get; init; }
    public double? DecoderUtilization { get; init; }

    /// <summary>Set by the simulated host: the cgroup path it gives the process, for attribution.</summary>
    public string? CgroupPath { get; init; }

    /// <summary>Set by the simulated host: the Unix user it gives the process, for attribution.</summary>
    public string? User { get; init; }
}
