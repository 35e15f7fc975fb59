namespace GpuQos.Model.Devices;

/// <summary>
/// One partition of a GPU: a MIG GPU/compute instance, a vGPU instance, or the whole device when it is
/// time-sliced, shared through MPS, or exclusive.
/// </summary>
public sealed record PartitionReading
{
    /// <summary>Stable partition name within its GPU (the <c>partition</c> label): <c>gi1-ci0</c>, <c>vgpu-3</c>, <c>whole</c>.</summary>
    public required string Id { get; init; }
    public required PartitionKind Kind { get; init; }

    /// <summary>MIG profile (<c>3g.40gb</c>) or vGPU type (<c>A100-4C</c>); empty for the whole device.</summary>
    public string Profile { get; init; } = "";

    /// <summary>MIG device UUID (<c>MIG-…</c>) where the partition is a MIG instance.</summary>
    public string? Uuid { get; init; }
    public int? GpuInstanceId { get; init; }
    public int? ComputeInstanceId { get; init; }

    /// <summary>First memory slice of a MIG GPU instance's placement.</summary>
    public int? PlacementStart { get; init; }
    public int? SmCount { get; init; }

    public int? VgpuInstanceId { get; init; }
    public string? VmId { get; init; }

    public long? MemoryTotalBytes { get; init; }
    public long? MemoryUsedBytes { get; init; }
    public double? SmUtilization { get; init; }
    public double? MemoryBandwidthUtilization { get; init; }
    public double? EncoderUtilization { get; init; }
    public double? DecoderUtilization { get; init; }

    /// <summary>vGPU scheduler policy of the GPU this vGPU instance runs on.</summary>
    public VgpuSchedulerPolicy? SchedulerPolicy { get; init; }
    public double? SchedulerTimesliceSeconds { get; init; }
}
