using System.Net;
using System.Net.Sockets;
using GpuQos.Backends.Simulation;
using GpuQos.Backends.Simulation.Services;
using GpuQos.Model.Backends;

namespace GpuQos.Daemon.Workload;

/// <summary>The HTTP client the workload metrics readers share, owned by the container so it is disposed at stop.</summary>
internal sealed class WorkloadHttp(HttpClient client) : IDisposable
{
    public HttpClient Client { get; } = client;

    /// <summary>
    /// The client for <paramref name="backend"/>. On the simulated host, a service's host name
    /// (<c>NAME.sim.localhost</c>) connects to the port its endpoint was bound to, the way DNS would resolve it; every
    /// other name connects as usual. Timeouts are per read (the readers'), so one client serves every source.
    /// </summary>
    public static WorkloadHttp For(IGpuBackend backend)
    {
        var handler = new SocketsHttpHandler();
        if (backend is SimulatedBackend { ServiceEndpoints.Count: > 0 } sim)
        {
            var resolve = SimulatedServiceNames.Resolver(sim.ServiceEndpoints);
            handler.ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    EndPoint target = resolve(context.DnsEndPoint.Host) is { } service ? service : context.DnsEndPoint;
                    await socket.ConnectAsync(target, ct).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        return new WorkloadHttp(new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan });
    }

    public void Dispose() => Client.Dispose();
}
