using GpuQos.Daemon.Hosting;
using GpuQos.Daemon.Http;
using GpuQos.Enforcer.Workload;
using GpuQos.Model.Backends;

namespace GpuQos.Daemon.Workload;

/// <summary>Wires the reading of the workloads' own metrics (latency and throughput objectives) into the daemon.</summary>
internal static class WorkloadRegistration
{
    /// <summary>Registers the readings, the readers of each source kind, the sampler and its state section.</summary>
    public static void AddWorkloadMetrics(this IServiceCollection services, RunRequest request)
    {
        var options = request.Options.Enforcement.WorkloadMetrics;
        services.AddSingleton(sp => new WorkloadReadings(sp.GetRequiredService<TimeProvider>()));

        services.AddSingleton(sp => WorkloadHttp.For(sp.GetRequiredService<IGpuBackend>()));
        services.AddSingleton<IWorkloadSourceReader>(sp => new ScrapeReader(sp.GetRequiredService<WorkloadHttp>().Client, options));
        services.AddSingleton<IWorkloadSourceReader>(sp => new PrometheusObjectiveReader(sp.GetRequiredService<WorkloadHttp>().Client, options, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<WorkloadSampler>();
        services.AddSingleton<IStateSection, WorkloadStateSection>();
        services.AddHostedService<WorkloadSamplerService>();
    }
}
