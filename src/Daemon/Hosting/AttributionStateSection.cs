using GpuQos.Collectors.Attribution;
using GpuQos.Daemon.Http;
using GpuQos.Daemon.Http.Api;

namespace GpuQos.Daemon.Hosting;

/// <summary>The <c>attribution</c> section of <c>/api/v1/state</c>: is the kubelet answering, what is cached.</summary>
internal sealed class AttributionStateSection(AttributionState state, AttributionOptions options) : IStateSection
{
    public StateDocument AddTo(StateDocument document) => document with
    {
        Attribution = new AttributionSummary(
            options.Enabled, options.PodResourcesSocket, state.KubeletUp, state.KubeletErrors, state.Inventory.PodCount, state.CachedProcesses, state.Refreshes),
    };
}
