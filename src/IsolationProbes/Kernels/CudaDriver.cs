namespace GpuQos.IsolationProbes.Kernels;

/// <summary>
/// What the coordinator can tell about the CUDA driver without ILGPU: whether <c>libcuda.so.1</c> loads. The
/// planner and <c>gpuqos doctor</c> decide <see cref="AcceleratorChoice.Auto"/> from it; everything that needs a
/// device (its name, compute capability, a test kernel) is asked of a <c>gpuqos-probe</c> worker.
/// </summary>
public static class CudaDriver
{
    /// <summary>The CUDA driver library the probes need.</summary>
    public const string Library = "libcuda.so.1";

    /// <summary>Whether the CUDA driver library loads, as <see cref="AcceleratorChoice.Auto"/> decides.</summary>
    public static bool Loads => NativeLibraryProbe.CanLoad(Library);

    /// <summary>Why CUDA cannot be used: the driver is missing, or it loads but shows no device.</summary>
    public static string MissingMessage() => Loads
        ? $"{Library} loads but no CUDA device is visible to this process (check CUDA_VISIBLE_DEVICES)"
        : $"no CUDA driver: {Library} cannot be loaded, so ILGPU offers only its CPU accelerator";
}
