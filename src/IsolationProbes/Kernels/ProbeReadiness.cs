using System.Text.Json.Serialization;

namespace GpuQos.IsolationProbes.Kernels;

/// <summary>Whether probe kernels can run on an accelerator: what <c>gpuqos-probe</c>'s preflight found.</summary>
/// <param name="Ready">The device is supported and a test kernel compiled, ran and gave the right answer.</param>
/// <param name="Accelerator"><c>cuda</c> or <c>cpu</c>.</param>
/// <param name="Device">The device's name as ILGPU reports it (e.g. <c>NVIDIA H100 80GB HBM3</c>), or empty when none was found.</param>
/// <param name="ComputeCapability">The CUDA compute capability, e.g. <c>9.0</c>; null on the CPU or when it could not be read.</param>
/// <param name="Ilgpu">The ILGPU version the kernels are compiled with.</param>
/// <param name="Detail">What was checked, or why the device cannot run the probes.</param>
public sealed record ProbeReadiness(bool Ready, string Accelerator, string Device, string? ComputeCapability, string Ilgpu, string Detail)
{
    /// <summary>The device and its compute capability, for messages: <c>NVIDIA H100 (compute capability 9.0)</c>.</summary>
    [JsonIgnore]
    public string DeviceLabel => (Device.Length > 0 ? Device : Accelerator) + (ComputeCapability is { } cc ? $" (compute capability {cc})" : "");
}
