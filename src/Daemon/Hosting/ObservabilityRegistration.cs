using GpuQos.Daemon.Exposition;
using GpuQos.Model.Metrics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace GpuQos.Daemon.Hosting;

/// <summary>Wires OpenTelemetry export and dcgm-exporter compatibility into the daemon.</summary>
internal static class ObservabilityRegistration
{
    /// <summary>Registers the services.</summary>
    public static void AddObservability(this IServiceCollection services, RunRequest request)
    {
        var options = request.Options.Observability;
        if (options.DcgmCompat)
        {
            services.AddSingleton(new DcgmCompatHost(options.DcgmHostname ?? Environment.MachineName));
            services.AddSingleton<IMetricSource, DcgmCompatMetrics>();
        }

        if (!options.OpenTelemetryEnabled)
        {
            return;
        }

        services.AddSingleton<OpenTelemetryMetrics>();
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("gpuqos", serviceVersion: VersionInfo.Version))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(OpenTelemetryMetrics.MeterName);
                if (options.OtlpEndpoint is { } endpoint)
                {
                    metrics.AddOtlpExporter((exporter, reader) =>
                    {
                        exporter.Endpoint = new Uri(endpoint);
                        exporter.Protocol = options.OtlpProtocol;
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)options.OtlpInterval.TotalMilliseconds;
                    });
                }

                if (options.OtelPrometheusPath is not null)
                {
                    metrics.AddPrometheusExporter();
                }
            });
    }

    /// <summary>Maps the HTTP endpoints, if any.</summary>
    public static void MapObservability(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<RunRequest>().Options.Observability;
        if (!options.OpenTelemetryEnabled)
        {
            return;
        }

        // The instruments exist before the first export, not only once the first cycle has run.
        _ = app.Services.GetRequiredService<OpenTelemetryMetrics>();
        if (options.OtelPrometheusPath is { } path)
        {
            app.MapPrometheusScrapingEndpoint(path);
        }
    }
}
