using GpuQos.Model.Devices;

namespace GpuQos.Daemon.Http.Api;

/// <summary>One GPU in <see cref="StateDocument"/>: identity, device and health readings, partitions and processes.</summary>
public sealed record GpuState
{
    /// <summary>NVML index.</summary>
    public required int Index { get; init; }

    /// <summary>GPU UUID.</summary>
    public required string Uuid { get; init; }

    /// <summary>Product name.</summary>
    public required string Name { get; init; }

    /// <summary>Sharing mode label (<c>mig</c>, <c>time-sliced</c>, ...); absent when the device could not be read.</summary>
    public string? Mode { get; init; }

    /// <summary>True when the GPU fell off the bus or stopped answering.</summary>
    public bool Lost { get; init; }

    /// <summary>Device readings, absent when they could not be read.</summary>
    public DeviceReading? Device { get; init; }

    /// <summary>Health readings, absent when they could not be read.</summary>
    public HealthReading? Health { get; init; }

    /// <summary>Partitions (MIG, vGPU, or the whole GPU).</summary>
    public IReadOnlyList<PartitionState> Partitions { get; init; } = [];

    /// <summary>Processes with their attribution.</summary>
    public IReadOnlyList<ProcessState> Processes { get; init; } = [];
}
