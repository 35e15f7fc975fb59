namespace GpuQos.Collectors.Collection;

/// <summary>Health: clock-event (throttle) reasons, ECC, row remapping, XID errors and PCIe throughput.</summary>
public sealed class HealthCollector : ICollector
{
    public string Name => "health";

    public void Collect(CollectionContext context) =>
        context.ForEachGpu(static (backend, gpu, slot) => slot.Health = backend.ReadHealth(gpu));
}
