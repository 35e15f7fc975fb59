using GpuQos.Daemon.Http.Api;

namespace GpuQos.Daemon.Http;

/// <summary>A feature's part of <c>/api/v1/state</c> (SLA states, configuration, attribution, audits).</summary>
public interface IStateSection
{
    /// <summary>Returns <paramref name="state"/> with this feature's section filled in.</summary>
    StateDocument AddTo(StateDocument state);
}
