namespace GpuQos.Backends.Nvml;

/// <summary>One MIG device (a GPU instance and compute instance) as discovered; re-read when the topology changes.</summary>
internal sealed record MigInstance(
    nint Handle,
    uint GpuInstanceId,
    uint ComputeInstanceId,
    string Uuid,
    string Profile,
    int? PlacementStart,
    int? SmCount,
    long? MemoryTotalBytes)
{
    /// <summary>The partition ID, as the simulator spells it.</summary>
    public string PartitionId => PartitionIdOf(GpuInstanceId, ComputeInstanceId);

    public static string PartitionIdOf(uint gpuInstance, uint computeInstance) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"gi{gpuInstance}-ci{computeInstance}");
}
