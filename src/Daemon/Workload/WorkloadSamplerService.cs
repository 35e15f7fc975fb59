using GpuQos.Backends.Simulation;
using GpuQos.Daemon.Configuration;
using GpuQos.Enforcer.Workload;
using GpuQos.Model.Backends;
using Microsoft.Extensions.Options;

namespace GpuQos.Daemon.Workload;

/// <summary>Runs the workload metrics sampler beside the collection loop, at the collection interval, on the policies in force.</summary>
internal sealed class WorkloadSamplerService(WorkloadSampler sampler, IOptionsMonitor<GpuQosOptions> options, TimeProvider time, IGpuBackend backend, ILogger<WorkloadSamplerService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A simulated service's port is any free one by default: say where each landed, for curl and for people.
        if (backend is SimulatedBackend sim)
        {
            foreach (var (name, address) in sim.ServiceEndpoints)
            {
                SimulatedServiceLog.Serving(logger, name, address);
            }
        }

        try
        {
            await sampler.RunAsync(() => options.CurrentValue.Policies, options.CurrentValue.Settings.Interval, time, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
