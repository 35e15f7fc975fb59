namespace GpuQos.Daemon.Reports;

/// <summary>What the rows of a usage report are.</summary>
public enum UsageGrouping
{
    /// <summary>One row per tenant.</summary>
    Tenant,

    /// <summary>One row per GPU model (the <c>gpu_model</c> label).</summary>
    GpuModel,
}
