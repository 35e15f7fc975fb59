using System.Net.Sockets;
using GpuQos.Collectors.Attribution.Kubelet.V1;
using Grpc.Net.Client;

namespace GpuQos.Collectors.Attribution.Kubelet;

/// <summary>
/// The kubelet PodResources v1 API (<c>v1.PodResourcesLister</c>) over its unix domain socket, with
/// Grpc.Net.Client. Each call opens a connection if none is alive, so a kubelet restart costs one failed
/// refresh and nothing more.
/// </summary>
public sealed class PodResourcesClient : IPodResourcesSource, IDisposable
{
    /// <summary>Where the kubelet serves PodResources.</summary>
    public const string DefaultSocket = "/var/lib/kubelet/pod-resources/kubelet.sock";

    private readonly GrpcChannel _channel;
    private readonly PodResourcesLister.PodResourcesListerClient _client;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;

    public PodResourcesClient(string socketPath, TimeSpan timeout, TimeProvider time)
    {
        Address = socketPath;
        _timeout = timeout;
        _time = time;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            // A restarted kubelet leaves a dead connection behind; do not keep it around for long.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ConnectTimeout = timeout,
        };

        // The authority is never resolved: the connect callback dials the socket.
        _channel = GrpcChannel.ForAddress("http://kubelet.sock", new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = 16 * 1024 * 1024,
        });
        _client = new PodResourcesLister.PodResourcesListerClient(_channel);
    }

    /// <inheritdoc />
    public string Address { get; }

    /// <inheritdoc />
    public bool Present => File.Exists(Address);

    /// <inheritdoc />
    public async Task<PodResourcesListing> ListAsync(CancellationToken cancellationToken)
    {
        using var cts = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cts.Token, cancellationToken);
        var list = await _client.ListAsync(new ListPodResourcesRequest(), cancellationToken: linked.Token);
        var allocatable = await _client.GetAllocatableResourcesAsync(new AllocatableResourcesRequest(), cancellationToken: linked.Token);
        var pods = list.PodResources
            .Select(p => new KubeletPod(p.Namespace, p.Name, p.Containers
                .Select(c => new KubeletContainer(c.Name, c.Devices.SelectMany(d => d.DeviceIds).ToArray()))
                .ToArray()))
            .ToArray();
        return new PodResourcesListing(pods, allocatable.Devices.SelectMany(d => d.DeviceIds).ToArray());
    }

    public void Dispose() => _channel.Dispose();
}
