using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Hosting;
using GpuQos.Daemon.Http.Api;
using Microsoft.Extensions.Options;

namespace GpuQos.Daemon.Http;

/// <summary>
/// The <c>config</c> section of <c>/api/v1/state</c>: which configuration is in force (its tenants and policies)
/// and how the last reload went, so an operator can see that a reload took effect or why it was rejected.
/// </summary>
public sealed class ConfigStateSection(IOptionsMonitor<GpuQosOptions> options, ReloadStatus status, RunRequest request) : IStateSection
{
    /// <inheritdoc />
    public StateDocument AddTo(StateDocument state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var current = options.CurrentValue;
        return state with
        {
            Config = new ConfigState(
                request.ConfigSource,
                current.Settings.Interval.TotalSeconds,
                [.. current.Tenants.Select(t => t.Name)],
                current.Policies.Count,
                new ReloadState(status.LastSucceeded, status.LastAttempt, status.LastErrors)),
        };
    }
}
