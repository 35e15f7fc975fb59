using GpuQos.Model.Devices;

namespace GpuQos.Advisor.Evidence;

/// <summary>What was measured about one GPU and the tenants on it.</summary>
/// <param name="Index">NVML index (the <c>gpu</c> label).</param>
/// <param name="Uuid">GPU UUID.</param>
/// <param name="ModelName">Product name as NVML reports it, or a model key.</param>
/// <param name="Mode">The sharing mode now.</param>
/// <param name="CurrentGeometry">MIG instances now (empty outside MIG).</param>
/// <param name="Tenants">Tenants seen on the GPU in the window.</param>
/// <param name="DeviceDemand">Whole-GPU SM utilization over the window, where the mode exposes it.</param>
/// <param name="Audit">The latest isolation audit, or null when none has run.</param>
/// <param name="VgpuPolicy">The vGPU scheduler policy now, under vGPU.</param>
public sealed record GpuEvidence(
    int Index,
    string Uuid,
    string ModelName,
    SharingMode Mode,
    IReadOnlyList<CurrentPartition> CurrentGeometry,
    IReadOnlyList<TenantEvidence> Tenants,
    DemandStats? DeviceDemand,
    AuditEvidence? Audit,
    VgpuSchedulerPolicy? VgpuPolicy = null)
{
    /// <summary>The model's static facts (MIG table), or null for a model GpuQos does not know.</summary>
    public GpuModel? Model => GpuModels.Find(ModelName);
}
