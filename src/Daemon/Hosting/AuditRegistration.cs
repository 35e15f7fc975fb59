namespace GpuQos.Daemon.Hosting;

/// <summary>Wires scheduled isolation audits into the daemon.</summary>
internal static class AuditRegistration
{
    /// <summary>Registers the services.</summary>
    public static void AddAudit(this IServiceCollection services, RunRequest request)
    {
        _ = services;
        _ = request;
    }

    /// <summary>Maps the HTTP endpoints, if any.</summary>
    public static void MapAudit(this WebApplication app)
    {
        _ = app;
    }
}
