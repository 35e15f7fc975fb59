using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GpuQos.Enforcer.Engine;

/// <summary>
/// Runs the enforcer inside the daemon: before any service starts it undoes what a crashed run left in force
/// (so a process a killed daemon left stopped runs again before the first collection); then, on a thread of
/// its own, it evaluates the latest snapshot the collection loop handed over (<see cref="EnforcementHandOff"/>),
/// so journal fsyncs, signals and control calls never hold back a collection or a scrape; at a graceful stop
/// it lets the step in progress finish and lifts every action.
/// </summary>
public sealed class EnforcementService(SlaEnforcer enforcer, EnforcementHandOff handOff, ILogger<EnforcementService> logger) : IHostedLifecycleService
{
    private Task _loop = Task.CompletedTask;

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        enforcer.Recover();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Factory.StartNew(() => RunAsync(), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        handOff.Complete();
        try
        {
            // The step in progress finishes first; the lift below takes the same lock anyway.
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Out of shutdown time: the lift below still runs as soon as the step lets go of the enforcer.
        }

        enforcer.Dispose();
    }

    private async Task RunAsync()
    {
        await foreach (var request in handOff.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            try
            {
                enforcer.Evaluate(request.Snapshot, request.History);
                handOff.NoteEvaluated(request.Snapshot.Timestamp);
            }
            catch (Exception ex)
            {
                // Evaluate isolates each policy; whatever escapes it still must not end the loop.
                EnforcerLog.StepFailed(logger, ex, request.Snapshot.Timestamp);
            }
        }
    }
}
