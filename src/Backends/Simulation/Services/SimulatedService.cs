namespace GpuQos.Backends.Simulation.Services;

/// <summary>A simulated workload that serves requests: where it runs, its latency, and its metrics endpoint.</summary>
internal sealed record SimulatedService(string Name, int Gpu, int Pid, QueueingLatency Latency, MetricsEndpoint Endpoint);
