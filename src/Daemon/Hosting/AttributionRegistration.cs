using GpuQos.Collectors.Attribution;

namespace GpuQos.Daemon.Hosting;

/// <summary>Wires process attribution and tenants (PodResources, cgroups) into the daemon.</summary>
internal static class AttributionRegistration
{
    /// <summary>Registers the services.</summary>
    public static void AddAttribution(this IServiceCollection services, RunRequest request)
    {
        _ = request;
        services.AddSingleton<IProcessAttributor, NoAttribution>();
    }

    /// <summary>Maps the HTTP endpoints, if any.</summary>
    public static void MapAttribution(this WebApplication app)
    {
        _ = app;
    }
}
