namespace GpuQos.Collectors.Attribution.Kubelet;

/// <summary>Where pod device assignments come from: the kubelet's PodResources API.</summary>
public interface IPodResourcesSource
{
    /// <summary>Where the source is, for log messages (the socket path).</summary>
    string Address { get; }

    /// <summary>False when the endpoint does not exist at all (not a Kubernetes node); nothing is called then.</summary>
    bool Present { get; }

    /// <summary>Calls <c>List</c> and <c>GetAllocatableResources</c>. Throws when the call fails.</summary>
    Task<PodResourcesListing> ListAsync(CancellationToken cancellationToken);
}
