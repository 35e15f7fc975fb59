namespace GpuQos.Collectors.Collection;

/// <summary>
/// Turns one domain of backend readings into its part of the snapshot. One collector per domain and per
/// file. A collector that throws costs only its own part of the snapshot; the others still run.
/// </summary>
public interface ICollector
{
    /// <summary>Name used in <c>gpuqos_collector_*{collector}</c>.</summary>
    string Name { get; }

    /// <summary>Reads its domain for every GPU that is not lost.</summary>
    void Collect(CollectionContext context);
}
