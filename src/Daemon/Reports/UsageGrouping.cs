namespace GpuQos.Daemon.Reports;

/// <summary>What the rows of a usage report are.</summary>
public enum UsageGrouping
{
    /// <summary>One row per tenant.</summary>
    Tenant,

    /// <summary>One row per GPU model (the <c>gpu_model</c> label).</summary>
    GpuModel,

    /// <summary>
    /// One row per Kubernetes namespace: each tenant's counted time on a GPU split among the namespaces of its pods
    /// there, by their sampled SM time (<see cref="UsageQueries.NamespaceWeights"/>); time no pod accounts for is
    /// in a row with an empty key.
    /// </summary>
    Namespace,
}
