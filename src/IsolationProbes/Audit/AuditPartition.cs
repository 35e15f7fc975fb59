using GpuQos.IsolationProbes.Kernels;

namespace GpuQos.IsolationProbes.Audit;

/// <summary>
/// A place a probe worker runs, the way a tenant's workload would: a MIG instance or GPU (CUDA), or a set
/// of cores (CPU accelerator).
/// </summary>
/// <param name="Name">Partition name, unique in the audit (the <c>victim</c>/<c>aggressor</c> label).</param>
/// <param name="Gpu">The <c>gpu</c> label: the GPU index, or <c>cpu</c>.</param>
/// <param name="Tenant">Owning tenant, or empty.</param>
/// <param name="Mode">Sharing mode label used to pick the threshold: <c>mig</c>, <c>time-sliced</c>, <c>cpu-cores</c>, ….</param>
/// <param name="Accelerator">CPU or CUDA.</param>
/// <param name="Cores">Cores to pin to (CPU accelerator).</param>
/// <param name="CudaDevice">Value for <c>CUDA_VISIBLE_DEVICES</c>: a GPU or MIG UUID (CUDA).</param>
/// <param name="MemoryBytes">The partition's memory: its RLIMIT_AS budget on the CPU, its framebuffer on a GPU; 0 when unknown.</param>
public sealed record AuditPartition(
    string Name,
    string Gpu,
    string Tenant,
    string Mode,
    AcceleratorChoice Accelerator,
    IReadOnlyList<int> Cores,
    string? CudaDevice,
    long MemoryBytes);
