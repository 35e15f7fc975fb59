namespace GpuQos.IsolationProbes.Kernels;

/// <summary>Which ILGPU accelerator the probe workers run on (<c>--accelerator</c>).</summary>
public enum AcceleratorChoice
{
    /// <summary>CUDA when a CUDA device is visible, else the CPU (and the report says so).</summary>
    Auto,

    /// <summary>ILGPU's CPU accelerator; partitions are sets of cores.</summary>
    Cpu,

    /// <summary>CUDA; partitions are GPUs or MIG instances selected with <c>CUDA_VISIBLE_DEVICES</c>.</summary>
    Cuda,
}
