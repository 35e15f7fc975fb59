using GpuQos.Daemon.Http;
using GpuQos.IsolationProbes;
using GpuQos.IsolationProbes.Exposition;
using GpuQos.IsolationProbes.Scheduling;
using GpuQos.IsolationProbes.Worker;
using GpuQos.Model.Metrics;

namespace GpuQos.Daemon.Hosting;

/// <summary>Wires scheduled isolation audits into the daemon.</summary>
internal static class AuditRegistration
{
    /// <summary>Registers the audit runner (also the <see cref="IAuditTrigger"/>), its scheduler, metrics and state section.</summary>
    public static void AddAudit(this IServiceCollection services, RunRequest request)
    {
        var options = request.Options.Audit;
        services.AddSingleton(sp => new AuditRunner(
            options, sp.GetRequiredService<Model.Backends.IGpuBackend>(), WorkerLaunch.Current(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AuditRunner>>()));
        services.AddSingleton<IAuditTrigger>(sp => sp.GetRequiredService<AuditRunner>());
        services.AddSingleton<IMetricSource, AuditMetrics>();
        services.AddSingleton<IStateSection, AuditStateSection>();
        if (options.Enabled)
        {
            services.AddSingleton(new AuditSchedule(options));
            services.AddSingleton<AuditSchedulerService>();
            services.AddHostedService(sp => sp.GetRequiredService<AuditSchedulerService>());
        }
    }

    /// <summary>Maps <c>/api/v1/audits/latest</c>: the latest report JSON, or 404 with a clear message before the first audit.</summary>
    public static void MapAudit(this WebApplication app)
    {
        app.MapGet("/api/v1/audits/latest", (AuditRunner runner) => runner.LatestJson is { } json
            ? Results.Text(json, "application/json")
            : Results.Json(
                new { error = runner.Running ? "the first isolation audit is running; no report yet" : "no isolation audit has completed yet", lastError = runner.LastError },
                statusCode: StatusCodes.Status404NotFound));
    }

    private sealed class AuditStateSection(AuditRunner runner, IServiceProvider services) : IStateSection
    {
        public string Name => "audit";

        public object GetState()
        {
            var scheduler = services.GetService<AuditSchedulerService>();
            return new
            {
                running = runner.Running,
                outcome = runner.Latest?.Outcome,
                lastStarted = runner.Latest?.StartedAt,
                lastFinished = runner.LastFinished,
                lastError = runner.LastError,
                nextDue = scheduler?.NextDue,
                postponed = scheduler?.Postponed,
            };
        }
    }
}
