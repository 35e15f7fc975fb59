namespace GpuQos.Daemon.Http.Api;

/// <summary>The <c>attribution</c> section: is the kubelet answering, and what is cached.</summary>
/// <param name="Enabled">Whether kubelet attribution is on.</param>
/// <param name="PodResourcesSocket">The PodResources socket.</param>
/// <param name="KubeletUp">Whether the last call answered.</param>
/// <param name="KubeletErrors">Failed calls so far.</param>
/// <param name="Pods">Pods known.</param>
/// <param name="CachedProcesses">Processes whose attribution is cached.</param>
/// <param name="Refreshes">Inventory refreshes so far.</param>
public sealed record AttributionSummary(bool Enabled, string? PodResourcesSocket, bool KubeletUp, long KubeletErrors, int Pods, int CachedProcesses, long Refreshes);
