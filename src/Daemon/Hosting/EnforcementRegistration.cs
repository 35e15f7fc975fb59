namespace GpuQos.Daemon.Hosting;

/// <summary>Wires SLA evaluation and enforcement into the daemon.</summary>
internal static class EnforcementRegistration
{
    /// <summary>Registers the services.</summary>
    public static void AddEnforcement(this IServiceCollection services, RunRequest request)
    {
        _ = services;
        _ = request;
    }

    /// <summary>Maps the HTTP endpoints, if any.</summary>
    public static void MapEnforcement(this WebApplication app)
    {
        _ = app;
    }
}
