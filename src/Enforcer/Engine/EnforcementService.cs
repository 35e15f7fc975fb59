using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Hosting;

namespace GpuQos.Enforcer.Engine;

/// <summary>
/// Runs the enforcer inside the daemon: before any service starts it undoes what a crashed run left in force
/// (so a process a killed daemon left stopped runs again before the first collection), then it evaluates
/// every published snapshot (on the collecting thread, before the metrics of that cycle are rendered); at a
/// graceful stop it lifts every action.
/// </summary>
public sealed class EnforcementService(SlaEnforcer enforcer, SnapshotStore store) : IHostedLifecycleService
{
    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        enforcer.Recover();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        store.Published += OnPublished;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        store.Published -= OnPublished;
        enforcer.Dispose();
        return Task.CompletedTask;
    }

    // The window follows the policies in force, which a reload may change.
    private void OnPublished(HostSnapshot snapshot) => enforcer.Evaluate(snapshot, store.Window(enforcer.HistoryWindow));
}
