namespace GpuQos.Collectors.Accounting;

/// <summary>
/// One tenant's running totals on one GPU since the daemon started. The totals only grow; they are the values of
/// the <c>gpuqos_tenant_*_total</c> counters.
/// </summary>
public sealed class UsageAccount(string gpu, string uuid, string gpuModel, string tenant)
{
    /// <summary>GPU index (the <c>gpu</c> label) when last seen.</summary>
    public string Gpu { get; internal set; } = gpu;

    /// <summary>GPU UUID, the account's key with the tenant.</summary>
    public string Uuid { get; } = uuid;

    /// <summary>Product name as NVML reports it (the <c>gpu_model</c> label).</summary>
    public string GpuModel { get; } = gpuModel;

    /// <summary>Tenant name.</summary>
    public string Tenant { get; } = tenant;

    /// <summary>GPU-seconds of SM time used: busy fraction times the partition's share of the GPU's SMs.</summary>
    public double SmSeconds { get; internal set; }

    /// <summary>Device memory held, integrated over time (byte-seconds).</summary>
    public double MemoryByteSeconds { get; internal set; }

    /// <summary>GPU-seconds reserved: MIG instances, vGPU framebuffers and floors, used or not.</summary>
    public double ReservedSeconds { get; internal set; }
}
