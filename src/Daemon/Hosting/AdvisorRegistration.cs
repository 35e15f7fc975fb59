using GpuQos.Advisor.Advice;
using GpuQos.Advisor.Exposition;
using GpuQos.Advisor.Scoring;
using GpuQos.Model.Metrics;
using GpuQos.Model.Snapshots;
using GpuQos.Advisor.Evidence;
using GpuQos.Advisor.History;
using GpuQos.Daemon.Http.Api;

namespace GpuQos.Daemon.Hosting;

/// <summary>
/// Wires the advisor into the daemon: its advice over the in-memory history as <c>gpuqos_advice_*</c> series,
/// and the evidence and advice as JSON for <c>gpuqos advise --url</c>. It never changes the GPU.
/// </summary>
internal static class AdvisorRegistration
{
    /// <summary>Registers the services.</summary>
    public static void AddAdvisor(this IServiceCollection services, RunRequest request)
    {
        services.AddSingleton(new AdvisorOptions());

        // settings.history bounds how far back the live advice reads; the summaries are fed as a snapshot consumer.
        services.AddSingleton(new DemandHistory(request.Options.Settings.History));
        services.AddSingleton(sp => new LiveAdvice(
            sp.GetRequiredService<SnapshotStore>(),
            sp.GetRequiredService<DemandHistory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<AdvisorOptions>(),
            () => sp.GetServices<IMetricSource>(),
            sp.GetRequiredService<ILogger<LiveAdvice>>()));
        services.AddSingleton<IMetricSource, AdviceMetrics>();
    }

    /// <summary>Maps <c>/api/v1/advice</c> and <c>/api/v1/advice/evidence</c> (read-only).</summary>
    public static void MapAdvisor(this WebApplication app)
    {
        // Evidence is read from the metric sources, which the collection loop's consumers write: between two cycles.
        app.MapGet("/api/v1/advice/evidence", (LiveAdvice advice, CollectionCycle cycle) =>
            {
                lock (cycle.Lock)
                {
                    return Results.Json(advice.Evidence(), ApiJsonContext.Api.AdvisorEvidence);
                }
            })
            .Produces<AdvisorEvidence>(contentType: "application/json");
        app.MapGet("/api/v1/advice", (LiveAdvice advice, CollectionCycle cycle) =>
            {
                HostAdvice? current;
                lock (cycle.Lock)
                {
                    current = advice.Current();
                }

                return current is { } host
                    ? Results.Json(host, ApiJsonContext.Api.HostAdvice)
                    : Results.Json(new ApiError("no advice yet"), ApiJsonContext.Api.ApiError, statusCode: StatusCodes.Status503ServiceUnavailable);
            })
            .Produces<HostAdvice>(contentType: "application/json")
            .Produces<ApiError>(StatusCodes.Status503ServiceUnavailable, "application/json");
    }
}
