namespace GpuQos.Model.Devices;

/// <summary>Static facts about a GPU model that the simulator and the advisor rely on.</summary>
/// <param name="Key">Short name used in scenario files, e.g. <c>H100-SXM5-80GB</c>.</param>
/// <param name="ProductName">Name as NVML reports it.</param>
/// <param name="MemoryBytes">Framebuffer size.</param>
/// <param name="SmCount">SMs of the full GPU (without MIG).</param>
/// <param name="MaxSmClockMhz">Maximum SM clock.</param>
/// <param name="MaxMemoryClockMhz">Maximum memory clock.</param>
/// <param name="TdpWatts">Default power limit.</param>
/// <param name="IdleWatts">Power drawn while idle.</param>
/// <param name="L2CacheBytes">L2 cache, used to size the cache-thrasher probe.</param>
/// <param name="MemorySlices">MIG memory slices (0 where MIG is not supported).</param>
/// <param name="MigProfiles">MIG GPU-instance profiles (empty where MIG is not supported).</param>
public sealed record GpuModel(
    string Key,
    string ProductName,
    long MemoryBytes,
    int SmCount,
    int MaxSmClockMhz,
    int MaxMemoryClockMhz,
    double TdpWatts,
    double IdleWatts,
    long L2CacheBytes,
    int MemorySlices,
    IReadOnlyList<MigProfile> MigProfiles)
{
    /// <summary>Whether the model supports MIG.</summary>
    public bool SupportsMig => MigProfiles.Count > 0;

    /// <summary>Finds a MIG profile by name (case-insensitive), or null.</summary>
    public MigProfile? FindProfile(string name) =>
        MigProfiles.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
}
