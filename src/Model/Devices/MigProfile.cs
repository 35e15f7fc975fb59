namespace GpuQos.Model.Devices;

/// <summary>
/// A MIG GPU-instance profile of one GPU model. Placement is counted in memory slices: an instance
/// occupies [start, start + <see cref="MemorySlices"/>) and must start at one of <see cref="AllowedStarts"/>.
/// </summary>
/// <param name="Name">Profile name as nvidia-smi prints it, e.g. <c>3g.40gb</c>.</param>
/// <param name="Id">The profile ID NVML reports in <c>nvmlGpuInstanceProfileInfo_t.id</c> (nvidia-smi's ID).</param>
/// <param name="ProfileEnum">The <c>NVML_GPU_INSTANCE_PROFILE_*</c> value passed to NVML; not the same as <paramref name="Id"/>.</param>
/// <param name="ComputeSlices">The <c>Ng</c> in the name: compute slices.</param>
/// <param name="MemorySlices">Memory slices the instance occupies.</param>
/// <param name="SmCount">Streaming multiprocessors in the instance.</param>
/// <param name="MemoryBytes">Framebuffer of the instance.</param>
/// <param name="MaxCount">How many instances of this profile fit on one GPU.</param>
/// <param name="AllowedStarts">Memory slices an instance of this profile may start at.</param>
public sealed record MigProfile(
    string Name,
    int Id,
    int ProfileEnum,
    int ComputeSlices,
    int MemorySlices,
    int SmCount,
    long MemoryBytes,
    int MaxCount,
    IReadOnlyList<int> AllowedStarts)
{
    /// <summary>True for the <c>+me</c> media-extension profiles.</summary>
    public bool HasMediaExtensions => Name.EndsWith("+me", StringComparison.Ordinal);
}
