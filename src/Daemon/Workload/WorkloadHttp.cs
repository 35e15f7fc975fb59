namespace GpuQos.Daemon.Workload;

/// <summary>The HTTP client the workload metrics readers share, owned by the container so it is disposed at stop.</summary>
internal sealed class WorkloadHttp(HttpClient client) : IDisposable
{
    public HttpClient Client { get; } = client;

    public void Dispose() => Client.Dispose();
}
