using GpuQos.Collectors.Attribution;
using GpuQos.Collectors.Attribution.Kubelet;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Http;
using GpuQos.Model.Attribution;
using GpuQos.Model.Metrics;
using Microsoft.Extensions.Options;

namespace GpuQos.Daemon.Hosting;

/// <summary>Wires process attribution and tenants (PodResources, cgroups) into the daemon.</summary>
internal static class AttributionRegistration
{
    /// <summary>
    /// Registers the attributor, its caches and the refresher that fills them off the collection path. With
    /// <c>attribution.enabled: false</c>, processes carry no container, pod or tenant. The tenants follow a
    /// configuration reload; the rest of the <c>attribution</c> section is read once, at start.
    /// </summary>
    public static void AddAttribution(this IServiceCollection services, RunRequest request)
    {
        var options = request.Options.Attribution;
        services.AddSingleton(options);
        services.AddSingleton<AttributionState>();
        services.AddSingleton<IMetricSource, AttributionMetrics>();
        services.AddSingleton<IStateSection, AttributionStateSection>();
        if (!options.Enabled)
        {
            services.AddSingleton<IProcessAttributor, NoAttribution>();
            return;
        }

        services.AddSingleton(sp =>
        {
            var tenants = new TenantCatalogSwitch(new TenantCatalog(request.Options.Tenants));

            // A reload compiles the selectors on its own thread and only stages them; the tenant-catalogue snapshot
            // consumer switches after a snapshot is published, before the next cycle collects, so no snapshot mixes
            // two catalogues.
            sp.GetRequiredService<IOptionsMonitor<GpuQosOptions>>().OnChange((next, _) => tenants.Stage(new TenantCatalog(next.Tenants)));
            return tenants;
        });
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
