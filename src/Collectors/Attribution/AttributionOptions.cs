using System.ComponentModel.DataAnnotations;

namespace GpuQos.Collectors.Attribution;

/// <summary>How processes are attributed to containers, pods and tenants (the <c>attribution</c> section).</summary>
public sealed partial class AttributionOptions
{
    /// <summary>When false, processes carry no container, pod or tenant, and no cache is refreshed.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Where procfs is mounted; <c>gpuqos run --procfs-root</c> overrides it.</summary>
    public string ProcfsRoot { get; init; } = AttributionDefaults.ProcfsRoot;

    /// <summary>passwd file that names the Unix users of processes.</summary>
    public string PasswdFile { get; init; } = AttributionDefaults.PasswdFile;

    /// <summary>The kubelet PodResources socket; empty turns pod lookups off (cgroups only).</summary>
    public string PodResourcesSocket { get; init; } = AttributionDefaults.PodResourcesSocket;

    /// <summary>The kubelet's pod log directory, which names pod UIDs (<c>namespace_name_uid</c>); empty turns it off.</summary>
    public string PodLogsDirectory { get; init; } = AttributionDefaults.PodLogsDirectory;

    /// <summary>How often pods (PodResources, pod log directory) and procfs facts are refreshed.</summary>
    public TimeSpan Refresh { get; init; } = AttributionDefaults.Refresh;

    /// <summary>How long one PodResources call may take.</summary>
    public TimeSpan PodResourcesTimeout { get; init; } = AttributionDefaults.PodResourcesTimeout;

    /// <summary>
    /// Most process series per GPU. Beyond it, the processes using the least SM time and memory are summed
    /// into one overflow series (<c>pid=""</c>, <c>process="other"</c>). Tenant aggregates still count them all.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxProcessSeriesPerGpu { get; init; } = AttributionDefaults.MaxProcessSeriesPerGpu;
}
