using GpuQos.Daemon.Http.Api;
using GpuQos.Enforcer;
using GpuQos.IsolationProbes;

namespace GpuQos.Daemon.Http;

/// <summary>
/// The endpoints that change state: pause and resume enforcement, revert every action, run an audit now. Each
/// needs the bearer token. A feature that is not part of this daemon answers 503 and says so.
/// </summary>
public static class ControlEndpoints
{
    /// <summary>Maps the control endpoints behind the bearer-token filter.</summary>
    public static void MapControlEndpoints(this WebApplication app)
    {
        // What the bearer-token filter answers, declared once for the OpenAPI document.
        var control = app.MapGroup("/api/v1").AddEndpointFilter<BearerTokenFilter>().WithMetadata(
            new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(ApiError), [Json]),
            new ProducesResponseTypeMetadata(StatusCodes.Status403Forbidden, typeof(ApiError), [Json]));
        control.MapPost("/enforcement/pause", async (IServiceProvider services, CancellationToken ct) =>
        {
            if (services.GetService<IEnforcementControl>() is not { } enforcement)
            {
                return NotAvailable("enforcement");
            }

            await enforcement.PauseAsync(ct);
            return Results.Json(new EnforcementPause(enforcement.Paused), ApiJsonContext.Api.EnforcementPause);
        }).Produces<EnforcementPause>(contentType: Json).Produces<ApiError>(StatusCodes.Status503ServiceUnavailable, Json);
        control.MapPost("/enforcement/resume", async (IServiceProvider services, CancellationToken ct) =>
        {
            if (services.GetService<IEnforcementControl>() is not { } enforcement)
            {
                return NotAvailable("enforcement");
            }

            await enforcement.ResumeAsync(ct);
            return Results.Json(new EnforcementPause(enforcement.Paused), ApiJsonContext.Api.EnforcementPause);
        }).Produces<EnforcementPause>(contentType: Json).Produces<ApiError>(StatusCodes.Status503ServiceUnavailable, Json);
        control.MapPost("/actions/revert", async (IServiceProvider services, CancellationToken ct) =>
        {
            if (services.GetService<IEnforcementControl>() is not { } enforcement)
            {
                return NotAvailable("enforcement");
            }

            var reverted = await enforcement.RevertAllAsync(ct);
            return Results.Json(new RevertResult(reverted), ApiJsonContext.Api.RevertResult);
        }).Produces<RevertResult>(contentType: Json).Produces<ApiError>(StatusCodes.Status503ServiceUnavailable, Json);
        control.MapPost("/audits/run", (IServiceProvider services) =>
        {
            if (services.GetService<IAuditTrigger>() is not { } audit)
            {
                return NotAvailable("audit");
            }

            return audit.TryStart()
                ? Results.Json(new AuditStart(Started: true), ApiJsonContext.Api.AuditStart, statusCode: StatusCodes.Status202Accepted)
                : Results.Json(new AuditStart(Started: false, "an audit is already running"), ApiJsonContext.Api.AuditStart, statusCode: StatusCodes.Status409Conflict);
        })
        .Produces<AuditStart>(StatusCodes.Status202Accepted, Json)
        .Produces<AuditStart>(StatusCodes.Status409Conflict, Json)
        .Produces<ApiError>(StatusCodes.Status503ServiceUnavailable, Json);
    }

    private const string Json = "application/json";

    private static IResult NotAvailable(string feature) =>
        Results.Json(new ApiError($"the {feature} feature is not part of this daemon"), ApiJsonContext.Api.ApiError, statusCode: StatusCodes.Status503ServiceUnavailable);
}
