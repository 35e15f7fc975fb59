using GpuQos.Daemon.Http.Api;
using GpuQos.Daemon.Hosting;

namespace GpuQos.Daemon.Http;

/// <summary>Lets a request through only with the configured bearer token; 401 otherwise, 403 when no token is configured.</summary>
internal sealed partial class BearerTokenFilter(BearerToken token, ILogger<BearerTokenFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!token.Configured)
        {
            return Results.Json(
                new ApiError("state-changing endpoints are disabled: no bearer token is configured (web.tokenFile)"),
                ApiJsonContext.Api.ApiError,
                statusCode: StatusCodes.Status403Forbidden);
        }

        if (!token.Accepts(http.Request.Headers.Authorization))
        {
            LogRejected(http.Request.Path, http.Connection.RemoteIpAddress);
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"gpuqos\"";
            return Results.Json(new ApiError("a valid bearer token is required (Authorization: Bearer TOKEN)"), ApiJsonContext.Api.ApiError, statusCode: StatusCodes.Status401Unauthorized);
        }

        LogAccepted(http.Request.Path, http.Connection.RemoteIpAddress);
        return await next(context);
    }

    [LoggerMessage(EventId = 8100, Level = LogLevel.Warning, Message = "Rejected {Path} from {Remote}: missing or wrong bearer token")]
    private partial void LogRejected(PathString path, System.Net.IPAddress? remote);

    [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "Operator request {Path} from {Remote}")]
    private partial void LogAccepted(PathString path, System.Net.IPAddress? remote);
}
