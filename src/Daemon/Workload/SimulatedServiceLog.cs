namespace GpuQos.Daemon.Workload;

/// <summary>Source-generated log messages about the simulated host's services (event IDs 5120-5129, beside the workload sampler's).</summary>
internal static partial class SimulatedServiceLog
{
    [LoggerMessage(EventId = 5120, Level = LogLevel.Information, Message = "Simulated service {Name} serves its metrics at http://{Address}/metrics (scrape:http://{Name}.sim.localhost/metrics)")]
    public static partial void Serving(ILogger logger, string name, System.Net.IPEndPoint address);
}
