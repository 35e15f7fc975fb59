namespace GpuQos.Model.Devices;

/// <summary>How a GPU is shared between tenants.</summary>
public enum SharingMode
{
    /// <summary>One tenant owns the whole GPU (the passthrough case).</summary>
    Exclusive,

    /// <summary>Processes take turns on the whole GPU; no isolation.</summary>
    TimeSliced,

    /// <summary>CUDA MPS: clients run concurrently, capped by active-thread percentage.</summary>
    Mps,

    /// <summary>Multi-Instance GPU: hardware partitions with their own SMs, memory and cache.</summary>
    Mig,

    /// <summary>vGPU: virtual machines share the GPU under the vGPU scheduler.</summary>
    Vgpu,
}

/// <summary>The kind of a partition, as the <c>partition_kind</c> label spells it.</summary>
public enum PartitionKind
{
    /// <summary>The whole device, shared by time-slicing or MPS.</summary>
    Shared,

    /// <summary>The whole device, owned by one tenant.</summary>
    Exclusive,

    /// <summary>A MIG GPU instance and compute instance.</summary>
    Mig,

    /// <summary>A vGPU instance (one VM).</summary>
    Vgpu,
}

/// <summary>NVML compute modes (<c>nvmlComputeMode_t</c>).</summary>
public enum ComputeMode
{
    /// <summary>Many contexts per device.</summary>
    Default = 0,

    /// <summary>Deprecated by NVIDIA; kept so the numbers line up with the header.</summary>
    ExclusiveThread = 1,

    /// <summary>No contexts allowed.</summary>
    Prohibited = 2,

    /// <summary>One context per device, usable from many threads of one process.</summary>
    ExclusiveProcess = 3,
}

/// <summary>vGPU scheduler policies (<c>NVML_VGPU_SCHEDULER_POLICY_*</c>).</summary>
public enum VgpuSchedulerPolicy
{
    /// <summary>Policy not known.</summary>
    Unknown = 0,

    /// <summary>Work-conserving: idle time goes to whoever wants it.</summary>
    BestEffort = 1,

    /// <summary>Each running VM gets 1/n of the time.</summary>
    EqualShare = 2,

    /// <summary>Each VM gets the share its vGPU type fixes, whether others are idle or not.</summary>
    FixedShare = 3,
}

/// <summary>Label spellings shared by the metrics, the configuration and the scenario files.</summary>
public static class ModelNames
{
    public static string Label(this SharingMode mode) => mode switch
    {
        SharingMode.Exclusive => "exclusive",
        SharingMode.TimeSliced => "time-sliced",
        SharingMode.Mps => "mps",
        SharingMode.Mig => "mig",
        SharingMode.Vgpu => "vgpu",
        _ => "unknown",
    };

    public static string Label(this PartitionKind kind) => kind switch
    {
        PartitionKind.Shared => "shared",
        PartitionKind.Exclusive => "exclusive",
        PartitionKind.Mig => "mig",
        PartitionKind.Vgpu => "vgpu",
        _ => "unknown",
    };

    public static string Label(this VgpuSchedulerPolicy policy) => policy switch
    {
        VgpuSchedulerPolicy.BestEffort => "best-effort",
        VgpuSchedulerPolicy.EqualShare => "equal-share",
        VgpuSchedulerPolicy.FixedShare => "fixed-share",
        _ => "unknown",
    };
}
