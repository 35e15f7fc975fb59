using System.Net;
using GpuQos.Collectors.Accounting;
using GpuQos.Model.Backends;
using GpuQos.Collectors.Collection;
using GpuQos.Collectors.Exposition;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Exposition;
using GpuQos.Daemon.Http;
using GpuQos.Model.Attribution;
using GpuQos.Model.Metrics;
using GpuQos.Model.Snapshots;
using GpuQos.Daemon.Workload;

namespace GpuQos.Daemon.Hosting;

/// <summary>What <c>gpuqos run</c> was asked to do, after the command line and the file are merged.</summary>
public sealed record RunRequest(GpuQosOptions Options, string ConfigSource, BackendKind Backend, string? Scenario, string Listen, string? ProcfsRoot = null);

/// <summary>The composition root: builds the web host with every service the daemon runs.</summary>
public static class DaemonHost
{
    /// <summary>Builds the daemon. The backend is created by the caller so that it can report failures clearly.</summary>
    /// <param name="request">What to run.</param>
    /// <param name="backend">The GPU backend.</param>
    /// <param name="time">The clock.</param>
    /// <param name="args">Host arguments.</param>
    /// <param name="configureServices">Registrations added last, so they win (tests register fakes of features here).</param>
    public static WebApplication Build(RunRequest request, IGpuBackend backend, TimeProvider time, string[]? args = null, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args ?? []);
        builder.Host.UseSystemd();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);

        if (!SettingsDefaults.TryParseListen(request.Listen, out var endpoint))
        {
            throw new ArgumentException($"listen address '{request.Listen}' is not ADDRESS:PORT", nameof(request));
        }

        IPEndPoint? health = null;
        if (request.Options.Web.HealthListen is { } healthListen && !SettingsDefaults.TryParseListen(healthListen, out health))
        {
            throw new ArgumentException($"health listen address '{healthListen}' is not ADDRESS:PORT", nameof(request));
        }

        // Loaded here, not in the Kestrel callback, so that a bad certificate refuses the start with a clear message.
        var certificate = request.Options.Web.Tls is { } tls ? HttpServerSetup.LoadCertificate(tls) : null;
        builder.WebHost.ConfigureKestrel(k => HttpServerSetup.Configure(k, endpoint, health, request.Options.Web, certificate));

        var services = builder.Services;
        services.AddSingleton(time);
        services.AddSingleton(backend);
        services.AddSingleton(request);
        // settings.history is the most the snapshot history may hold; what it keeps is what the policies' longest
        // window reads (the enforcement hand-off sets it), and the advisor keeps per-minute summaries of its own.
        services.AddSingleton(new SnapshotStore(Math.Max(1, (int)(request.Options.Settings.History / request.Options.Settings.Interval)), TimeSpan.Zero));
        services.AddSingleton<BackendErrorCounter>();
        services.AddAttribution(request);
        services.AddSingleton(sp => new CollectionPipeline(
            backend, CollectionPipeline.DefaultCollectors, sp.GetRequiredService<IProcessAttributor>(), time, sp.GetRequiredService<BackendErrorCounter>()));
        AddMetricSources(services);
        services.AddSingleton<PrometheusExporter>();
        services.AddSingleton<CollectionCycle>();
        services.AddSingleton(sp => new ScrapeRenders(sp.GetRequiredService<PrometheusExporter>(), sp.GetRequiredService<ExpositionConsumer>().Refresh));
        services.AddSingleton<CollectionService>();
        services.AddDoctor();
        services.AddHostedService(sp => sp.GetRequiredService<CollectionService>());
        services.AddWorkloadMetrics(request);
        services.AddEnforcement(request);
        services.AddAudit(request);
        services.AddObservability(request);
        services.AddOperations(request);
        services.AddAdvisor(request);
        services.AddApiDocument();
        services.AddSnapshotConsumers(request);

        configureServices?.Invoke(services);
        var app = builder.Build();
        app.MapMetricsEndpoint();
        app.MapStateEndpoints();
        app.MapAttribution();
        app.MapEnforcement();
        app.MapAudit();
        app.MapObservability();
        app.MapOperations();
        app.MapAdvisor();
        app.MapApiDocument();
        return app;
    }

    /// <summary>Registers the snapshot's metric sources; other features add theirs the same way.</summary>
    public static void AddMetricSources(IServiceCollection services)
    {
        services.AddSingleton<ExpositionErrors>();
        services.AddSingleton<IMetricSource>(sp => sp.GetRequiredService<ExpositionErrors>());
        services.AddSingleton<IMetricSource, BuildInfoMetrics>();
        services.AddSingleton<IMetricSource, GpuMetrics>();
        services.AddSingleton<IMetricSource, HealthMetrics>();
        services.AddSingleton<IMetricSource, PartitionMetrics>();
        services.AddSingleton<IMetricSource, ProcessMetrics>();
        services.AddSingleton<IMetricSource, TenantMetrics>();
        services.AddSingleton<IReservationFloors, Accounting.PolicyFloors>();
        services.AddSingleton(sp => new UsageLedger(sp.GetRequiredService<IReservationFloors>(), () => sp.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<GpuQosOptions>>().CurrentValue.Settings.Interval));
        services.AddSingleton<IMetricSource, UsageMetrics>();
        services.AddSingleton<IMetricSource, CollectorMetrics>();
    }
}
