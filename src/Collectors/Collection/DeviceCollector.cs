namespace GpuQos.Collectors.Collection;

/// <summary>Whole-device readings: mode, memory, utilization, clocks, power, temperature.</summary>
public sealed class DeviceCollector : ICollector
{
    public string Name => "device";

    public void Collect(CollectionContext context) =>
        context.ForEachGpu(static (backend, gpu, slot) => slot.Device = backend.ReadDevice(gpu));
}
