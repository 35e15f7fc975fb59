using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Hosting;
using Microsoft.Extensions.Options;

namespace GpuQos.Daemon.Http;

/// <summary>
/// The <c>config</c> section of <c>/api/v1/state</c>: which configuration is in force (its tenants and policies)
/// and how the last reload went, so an operator can see that a reload took effect or why it was rejected.
/// </summary>
public sealed class ConfigStateSection(IOptionsMonitor<GpuQosOptions> options, ReloadStatus status, RunRequest request) : IStateSection
{
    /// <inheritdoc />
    public string Name => "config";

    /// <inheritdoc />
    public object GetState()
    {
        var current = options.CurrentValue;
        return new
        {
            source = request.ConfigSource,
            interval = current.Settings.Interval.TotalSeconds,
            tenants = current.Tenants.Select(t => t.Name).ToArray(),
            policies = current.Policies.Count,
            lastReload = new { success = status.LastSucceeded, at = status.LastAttempt, errors = status.LastErrors },
        };
    }
}
