using GpuQos.Collectors.Attribution;
using GpuQos.Daemon.Http;

namespace GpuQos.Daemon.Hosting;

/// <summary>The <c>attribution</c> section of <c>/api/v1/state</c>: is the kubelet answering, what is cached.</summary>
internal sealed class AttributionStateSection(AttributionState state, AttributionOptions options) : IStateSection
{
    public string Name => "attribution";

    public object GetState() => new
    {
        enabled = options.Enabled,
        podResourcesSocket = options.PodResourcesSocket,
        kubeletUp = state.KubeletUp,
        kubeletErrors = state.KubeletErrors,
        pods = state.Inventory.PodCount,
        cachedProcesses = state.CachedProcesses,
        refreshes = state.Refreshes,
    };
}
