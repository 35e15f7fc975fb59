namespace GpuQos.Collectors.Collection;

/// <summary>Processes on each GPU, with per-process utilization where the sharing mode allows it.</summary>
public sealed class ProcessCollector : ICollector
{
    public string Name => "processes";

    public void Collect(CollectionContext context) =>
        context.ForEachGpu(static (backend, gpu, slot) => slot.Processes = backend.ReadProcesses(gpu));
}
