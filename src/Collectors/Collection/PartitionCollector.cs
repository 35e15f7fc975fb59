namespace GpuQos.Collectors.Collection;

/// <summary>Partitions: MIG GPU/compute instances, vGPU instances, or the whole device.</summary>
public sealed class PartitionCollector : ICollector
{
    public string Name => "partitions";

    public void Collect(CollectionContext context) =>
        context.ForEachGpu(static (backend, gpu, slot) => slot.Partitions = backend.ReadPartitions(gpu));
}
