using GpuQos.Collectors.Attribution;
using GpuQos.Collectors.Attribution.Kubelet;
using GpuQos.Collectors.Exposition;

namespace GpuQos.Daemon.Hosting;

/// <summary>Wires process attribution and tenants (PodResources, cgroups) into the daemon.</summary>
internal static class AttributionRegistration
{
    /// <summary>
    /// Registers the attributor, its caches and the refresher that fills them off the collection path. With
    /// <c>attribution.enabled: false</c>, processes carry no container, pod or tenant.
    /// </summary>
    public static void AddAttribution(this IServiceCollection services, RunRequest request)
    {
        var options = request.Options.Attribution;
        services.AddSingleton(options);
        services.AddSingleton<AttributionState>();
        services.AddSingleton<IMetricSource, AttributionMetrics>();
        if (!options.Enabled)
        {
            services.AddSingleton<IProcessAttributor, NoAttribution>();
            return;
        }

        services.AddSingleton(new TenantCatalog(request.Options.Tenants));
        services.AddSingleton(new ProcfsReader(request.ProcfsRoot ?? options.ProcfsRoot, new UserDirectory(options.PasswdFile)));
        if (options.PodResourcesSocket.Length > 0)
        {
            services.AddSingleton<IPodResourcesSource>(sp =>
                new PodResourcesClient(options.PodResourcesSocket, options.PodResourcesTimeout, sp.GetRequiredService<TimeProvider>()));
        }

        services.AddSingleton<IProcessAttributor, TenantAttributor>();
        services.AddSingleton<AttributionRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<AttributionRefresher>());
    }

    /// <summary>Maps the HTTP endpoints, if any.</summary>
    public static void MapAttribution(this WebApplication app)
    {
        _ = app;
    }
}
