using System.Globalization;
using Microsoft.Extensions.Hosting.Systemd;

namespace GpuQos.Daemon.Hosting;

/// <summary>
/// Sends <c>WATCHDOG=1</c> to systemd every half <c>WatchdogSec</c> while the collection loop is alive.
/// Microsoft.Extensions.Hosting.Systemd sends READY=1 and STOPPING=1 but never pings the watchdog. The pings
/// stop when the last completed cycle is older than <see cref="StaleAfterIntervals"/> intervals (a backend call
/// wedged in the driver, say), so systemd restarts a daemon that serves ever older metrics.
/// </summary>
public sealed partial class SystemdWatchdog(
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    CollectionService collection,
    Microsoft.Extensions.Options.IOptionsMonitor<Configuration.GpuQosOptions> options,
    TimeProvider time,
    ILogger<SystemdWatchdog> logger) : BackgroundService
{
    /// <summary>A loop that has not completed a cycle for this many intervals counts as stuck.</summary>
    public const int StaleAfterIntervals = 3;

    /// <summary>The ping period systemd asks for (half of <c>WATCHDOG_USEC</c>), or null when the watchdog is off.</summary>
    public static TimeSpan? PingPeriod(string? watchdogUsec, string? watchdogPid, int ownPid)
    {
        if (!long.TryParse(watchdogUsec, NumberStyles.None, CultureInfo.InvariantCulture, out var usec) || usec <= 0)
        {
            return null;
        }

        // WATCHDOG_PID names the process systemd expects pings from; a child that inherited the variable must stay quiet.
        if (watchdogPid is not null && (!int.TryParse(watchdogPid, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid != ownPid))
        {
            return null;
        }

        return TimeSpan.FromMicroseconds(usec / 2.0);
    }

    /// <summary>True when the loop has completed a cycle recently enough (measured from <paramref name="started"/> before the first).</summary>
    public static bool Alive(DateTimeOffset? lastCycle, DateTimeOffset started, DateTimeOffset now, TimeSpan interval) =>
        now - (lastCycle ?? started) <= interval * StaleAfterIntervals;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var notifier = services.GetService<ISystemdNotifier>();
        var period = PingPeriod(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), Environment.GetEnvironmentVariable("WATCHDOG_PID"), Environment.ProcessId);
        if (notifier is not { IsEnabled: true } || period is not { } every)
        {
            return;
        }

        // Ping only after READY=1, which the hosting library sends once the application has started.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        LogEnabled(every.TotalSeconds);
        var since = time.GetUtcNow();
        var stuck = false;
        using var timer = new PeriodicTimer(every, time);
        while (await WaitAsync(timer, stoppingToken))
        {
            var interval = options.CurrentValue.Settings.Interval;
            if (Alive(collection.LastCycle, since, time.GetUtcNow(), interval))
            {
                notifier.Notify(new ServiceState("WATCHDOG=1"));
                if (stuck)
                {
                    LogRecovered();
                    stuck = false;
                }
            }
            else if (!stuck)
            {
                stuck = true;
                LogStuck(collection.LastCycle?.ToString("O", CultureInfo.InvariantCulture) ?? "never");
            }
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 8200, Level = LogLevel.Information, Message = "systemd watchdog: pinging every {Seconds} s while collection runs")]
    private partial void LogEnabled(double seconds);

    [LoggerMessage(EventId = 8201, Level = LogLevel.Error, Message = "systemd watchdog: the collection loop is stuck (last cycle {LastCycle}); pings stop so that systemd restarts the daemon")]
    private partial void LogStuck(string lastCycle);

    [LoggerMessage(EventId = 8202, Level = LogLevel.Warning, Message = "systemd watchdog: the collection loop runs again; pings resume")]
    private partial void LogRecovered();
}
