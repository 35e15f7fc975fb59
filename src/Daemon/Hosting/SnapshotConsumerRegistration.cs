using GpuQos.Model.Metrics;
using GpuQos.Model.Snapshots;
using GpuQos.Collectors.Accounting;
using GpuQos.Collectors.Attribution;
using GpuQos.Daemon.Exposition;
using GpuQos.Enforcer.Engine;
using GpuQos.Advisor.History;

namespace GpuQos.Daemon.Hosting;

/// <summary>
/// The one place that says what happens to each snapshot after it is published, and in which order. The
/// collection loop runs these consumers in this order, each timed and isolated (<see cref="SnapshotConsumers"/>).
/// </summary>
internal static class SnapshotConsumerRegistration
{
    /// <summary>
    /// Registers, in order: the usage ledger, which integrates every snapshot, exposition (<c>/metrics</c>, written
    /// when a scrape asks), OpenTelemetry (when enabled), the tenant catalogue a
    /// reload staged (when attribution is on), enforcement, which only hands the snapshot to its own loop, and
    /// the advisor's per-minute summaries.
    /// Called after the features' own registrations, which provide what each consumer wraps.
    /// </summary>
    public static void AddSnapshotConsumers(this IServiceCollection services, RunRequest request)
    {
        services.AddSingleton<ISnapshotConsumer>(sp => new UsageLedgerConsumer(sp.GetRequiredService<UsageLedger>()));
        services.AddSingleton<ExpositionConsumer>();
        services.AddSingleton<ISnapshotConsumer>(sp => sp.GetRequiredService<ExpositionConsumer>());
        if (request.Options.Observability.OpenTelemetryEnabled)
        {
            services.AddSingleton<ISnapshotConsumer>(sp => sp.GetRequiredService<OpenTelemetryMetrics>());
        }

        if (request.Options.Attribution.Enabled)
        {
            services.AddSingleton<ISnapshotConsumer>(sp => new TenantCatalogueConsumer(sp.GetRequiredService<TenantCatalogSwitch>()));
        }

        services.AddSingleton<ISnapshotConsumer>(sp => sp.GetRequiredService<EnforcementHandOff>());
        services.AddSingleton<ISnapshotConsumer>(sp => sp.GetRequiredService<DemandHistory>());

        services.AddSingleton<SnapshotConsumerMetrics>();
        services.AddSingleton<IMetricSource>(sp => sp.GetRequiredService<SnapshotConsumerMetrics>());
        services.AddSingleton<SnapshotConsumers>();
    }
}
