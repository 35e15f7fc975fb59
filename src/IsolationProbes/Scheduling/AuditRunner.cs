using GpuQos.IsolationProbes.Audit;
using GpuQos.IsolationProbes.Reports;
using GpuQos.IsolationProbes.Worker;
using GpuQos.Model.Backends;

using Microsoft.Extensions.Logging;

namespace GpuQos.IsolationProbes.Scheduling;

/// <summary>
/// Runs audits inside the daemon, one at a time, and keeps the latest report for the metrics and the API.
/// The scheduler and the "run audit now" endpoint both go through it.
/// </summary>
public sealed partial class AuditRunner(AuditOptions options, IGpuBackend backend, WorkerLaunch launch, TimeProvider time, ILogger<AuditRunner> logger) : IAuditTrigger, IDisposable
{
    private readonly CancellationTokenSource _shutdown = new();
    private int _running;
    private int _disposed;

    /// <summary>The latest completed report, or null before the first.</summary>
    public AuditReport? Latest { get; private set; }

    /// <summary>The latest report as JSON (what <c>/api/v1/audits/latest</c> serves).</summary>
    public string? LatestJson { get; private set; }

    /// <summary>Why the last audit could not run at all, or null.</summary>
    public string? LastError { get; private set; }

    /// <summary>When the last audit finished (or failed to start).</summary>
    public DateTimeOffset? LastFinished { get; private set; }

    /// <inheritdoc />
    public bool Running => Volatile.Read(ref _running) == 1;

    /// <inheritdoc />
    public bool TryStart()
    {
        if (Running)
        {
            return false;
        }

        _ = Task.Run(() => RunOnceAsync(_shutdown.Token));
        return true;
    }

    /// <summary>Runs one audit now; returns null when one is already running or the audit cannot be planned.</summary>
    public async Task<AuditReport?> RunOnceAsync(CancellationToken ct)
    {
        if (Interlocked.CompareExchange(ref _running, 1, 0) != 0)
        {
            return null;
        }

        try
        {
            var plan = AuditPlanner.Plan(options, backend, options.Accelerator);
            LogStarting(plan.Pairs.Count, plan.Partitions.Count, plan.Accelerator);
            var report = await new AuditCoordinator(plan, launch, time).RunAsync(null, ct);
            LatestJson = ReportJson.Serialize(report);
            Latest = report;
            LastError = null;
            var notPassed = report.Results.Count(r => !r.Passed);
            LogFinished(report.Outcome, report.DurationSeconds, notPassed);
            return report;
        }
        catch (AuditPlanException ex)
        {
            LastError = ex.Message;
            LogCannotRun(ex.Message);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A failing audit must not take the daemon down: record it and let the next schedule try again.
            LastError = ex.Message;
            LogFailed(ex);
            return null;
        }
        finally
        {
            LastFinished = time.GetUtcNow();
            Volatile.Write(ref _running, 0);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Registered as itself and as IAuditTrigger, so the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _shutdown.Cancel();
        _shutdown.Dispose();
    }

    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "Isolation audit starting: {Pairs} pair(s), {Partitions} partition(s) on {Accelerator}")]
    private partial void LogStarting(int pairs, int partitions, string accelerator);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Isolation audit {Outcome} in {Seconds:0.#} s; {NotPassed} result(s) failed or errored")]
    private partial void LogFinished(string outcome, double seconds, int notPassed);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Isolation audit cannot run: {Reason}")]
    private partial void LogCannotRun(string reason);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Error, Message = "Isolation audit failed")]
    private partial void LogFailed(Exception exception);
}
