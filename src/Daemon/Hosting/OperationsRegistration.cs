using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Exposition;
using GpuQos.Daemon.Http;
using GpuQos.Model.Metrics;
using Microsoft.Extensions.Options;

namespace GpuQos.Daemon.Hosting;

/// <summary>Wires systemd watchdog, configuration reload and HTTP security into the daemon.</summary>
internal static class OperationsRegistration
{
    /// <summary>The state directory the systemd unit and the DaemonSet give the daemon; checked like the configuration.</summary>
    public const string StateDirectory = "/var/lib/gpuqos";

    /// <summary>
    /// Checks the files the daemon trusts and registers the services. Throws <see cref="StartupRefusedException"/>
    /// when a file is unsafe: a world-writable configuration or state directory, a token file that is not 0600.
    /// </summary>
    public static void AddOperations(this IServiceCollection services, RunRequest request)
    {
        var options = new ReloadableOptions<GpuQosOptions>(request.Options);
        services.AddSingleton(options);
        services.AddSingleton<IOptionsMonitor<GpuQosOptions>>(options);

        if (File.Exists(request.ConfigSource))
        {
            services.AddSingleton(new TrustedPath(Path.GetFullPath(request.ConfigSource), "configuration file"));
            services.AddSingleton(new TrustedPath(Path.GetDirectoryName(Path.GetFullPath(request.ConfigSource))!, "configuration directory"));
        }

        services.AddSingleton(new TrustedPath(StateDirectory, "state directory"));
        foreach (var path in services.Where(d => d.ServiceType == typeof(TrustedPath) && d.ImplementationInstance is TrustedPath).Select(d => (TrustedPath)d.ImplementationInstance!))
        {
            if (FileModes.CheckNotWorldWritable(path.Path, path.Role) is { } problem)
            {
                throw new StartupRefusedException(problem);
            }
        }

        var token = new BearerToken();
        token.Load(request.Options.Web.TokenFile);
        services.AddSingleton(token);
        services.AddSingleton<ReloadStatus>();
        services.AddSingleton<IMetricSource, ConfigReloadMetrics>();
        services.AddSingleton<IMetricSource, ScheduleMetrics>();
        services.AddSingleton<IStateSection, ConfigStateSection>();
        services.AddSingleton<ConfigReloader>();
        services.AddHostedService(sp => sp.GetRequiredService<ConfigReloader>());
        services.AddHostedService<SystemdWatchdog>();
    }

    /// <summary>Adds authentication in front of every path but the probes (when configured) and maps the token-protected control endpoints.</summary>
    public static void MapOperations(this WebApplication app)
    {
        HealthListener.Use(app);
        RequestAuthentication.Use(app, app.Services.GetRequiredService<RunRequest>().Options.Web);
        app.MapControlEndpoints();
    }
}
