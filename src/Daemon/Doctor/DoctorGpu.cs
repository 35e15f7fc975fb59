namespace GpuQos.Daemon.Doctor;

/// <summary>A GPU as <c>gpuqos doctor</c> found it.</summary>
/// <param name="Index">NVML index.</param>
/// <param name="Name">Product name.</param>
/// <param name="Uuid">GPU UUID.</param>
/// <param name="Mode">Sharing mode (<c>mig</c>, <c>vgpu</c>, <c>mps</c>, <c>time-sliced</c>, <c>exclusive</c>), or why it is unknown.</param>
/// <param name="ComputeCapability">CUDA compute capability, or why it is unknown.</param>
public sealed record DoctorGpu(int Index, string Name, string Uuid, string Mode, string ComputeCapability);
