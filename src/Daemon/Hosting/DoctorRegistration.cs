using GpuQos.Daemon.Doctor;
using GpuQos.Model.Metrics;

namespace GpuQos.Daemon.Hosting;

/// <summary>Wires the start-up checkup (<c>gpuqos doctor</c>'s checks) and <c>gpuqos_capability</c> into the daemon.</summary>
internal static class DoctorRegistration
{
    /// <summary>Registers the checkup; call before the collection service so that it runs before the first cycle.</summary>
    public static void AddDoctor(this IServiceCollection services)
    {
        services.AddSingleton<DoctorService>();
        services.AddHostedService(sp => sp.GetRequiredService<DoctorService>());
        services.AddSingleton<IMetricSource, CapabilityMetrics>();
    }
}
