using GpuQos.Daemon.Http;
using GpuQos.Daemon.Http.Api;
using GpuQos.IsolationProbes.Audit;
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
            options, sp.GetRequiredService<Model.Backends.IGpuBackend>(), WorkerLaunch.Resolve(options.WorkerPath),
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
        // The report is served as the exact text of report.json (ReportJson), so the API and the file never differ.
        app.MapGet("/api/v1/audits/latest", (AuditRunner runner) => runner.LatestJson is { } json
            ? Results.Text(json, "application/json")
            : Results.Json(
                new ApiError(runner.Running ? "the first isolation audit is running; no report yet" : "no isolation audit has completed yet", runner.LastError),
                ApiJsonContext.Api.ApiError,
                statusCode: StatusCodes.Status404NotFound))
            .Produces<AuditReport>(contentType: "application/json")
            .Produces<ApiError>(StatusCodes.Status404NotFound, "application/json");
    }

    private sealed class AuditStateSection(AuditRunner runner, IServiceProvider services) : IStateSection
    {
        public StateDocument AddTo(StateDocument state)
        {
            var scheduler = services.GetService<AuditSchedulerService>();
            return state with
            {
                Audit = new AuditSummary
                {
                    Running = runner.Running,
                    Outcome = runner.Latest?.Outcome,
                    LastStarted = runner.Latest?.StartedAt,
                    LastFinished = runner.LastFinished,
                    LastError = runner.LastError,
                    NextDue = scheduler?.NextDue,
                    Postponed = scheduler?.Postponed,
                },
            };
        }
    }
}
