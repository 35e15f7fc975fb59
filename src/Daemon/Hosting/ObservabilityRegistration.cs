namespace GpuQos.Daemon.Hosting;

/// <summary>Wires OpenTelemetry export and dcgm-exporter compatibility into the daemon.</summary>
internal static class ObservabilityRegistration
{
    /// <summary>Registers the services.</summary>
    public static void AddObservability(this IServiceCollection services, RunRequest request)
    {
        _ = services;
        _ = request;
    }

    /// <summary>Maps the HTTP endpoints, if any.</summary>
    public static void MapObservability(this WebApplication app)
    {
        _ = app;
    }
}
