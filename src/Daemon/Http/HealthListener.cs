using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace GpuQos.Daemon.Http;

/// <summary>
/// The second listener (<c>web.healthListen</c>) that serves only <c>/healthz</c> and <c>/readyz</c>. Its
/// connections are marked when they are accepted, and any other path asked on it gets 404, so that opening a
/// probe port opens nothing else.
/// </summary>
public static class HealthListener
{
    private const string Mark = "gpuqos.health-listener";

    /// <summary>Connection middleware for the health listener: marks each of its connections.</summary>
    public static ConnectionDelegate MarkConnections(ConnectionDelegate next) => connection =>
    {
        connection.Items[Mark] = true;
        return next(connection);
    };

    /// <summary>True when the request came in on the health listener.</summary>
    public static bool IsHealthConnection(HttpContext context) =>
        context?.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(Mark) == true;

    /// <summary>Answers 404 to every request on the health listener that is not a probe.</summary>
    public static void Use(WebApplication app) => app.Use(async (context, next) =>
    {
        if (IsHealthConnection(context) && !RequestAuthentication.IsProbe(context.Request.Path))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsync("This listener serves /healthz and /readyz only\n");
            return;
        }

        await next(context);
    });
}
