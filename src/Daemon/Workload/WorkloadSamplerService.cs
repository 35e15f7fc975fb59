using GpuQos.Daemon.Configuration;
using GpuQos.Enforcer.Workload;
using Microsoft.Extensions.Options;

namespace GpuQos.Daemon.Workload;

/// <summary>Runs the workload metrics sampler beside the collection loop, at the collection interval, on the policies in force.</summary>
internal sealed class WorkloadSamplerService(WorkloadSampler sampler, IOptionsMonitor<GpuQosOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
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
