using GpuQos.Collectors.Attribution.Kubelet.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace GpuQos.Daemon.Tests.Attribution;

/// <summary>
/// A stand-in kubelet: the real <c>v1.PodResourcesLister</c> service (List, GetAllocatableResources) over
/// real gRPC (Grpc.AspNetCore, HTTP/2) on a unix domain socket.
/// </summary>
public sealed class FakeKubelet : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeKubelet(WebApplication app, string socketPath, PodResourcesService service)
    {
        _app = app;
        SocketPath = socketPath;
        Service = service;
    }

    public string SocketPath { get; }

    public PodResourcesService Service { get; }

    /// <summary>Starts serving on <paramref name="socketPath"/>, removing a socket file a previous server left.</summary>
    public static async Task<FakeKubelet> StartAsync(string socketPath, ListPodResourcesResponse pods, AllocatableResourcesResponse allocatable)
    {
        File.Delete(socketPath);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenUnixSocket(socketPath, o => o.Protocols = HttpProtocols.Http2));
        var service = new PodResourcesService { Pods = pods, Allocatable = allocatable };
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(service);
        var app = builder.Build();
        app.MapGrpcService<PodResourcesService>();
        await app.StartAsync();
        return new FakeKubelet(app, socketPath, service);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The service; tests read how often it was called.</summary>
    public sealed class PodResourcesService : PodResourcesLister.PodResourcesListerBase
    {
        private int _listCalls;
        private int _allocatableCalls;

        public required ListPodResourcesResponse Pods { get; init; }
        public required AllocatableResourcesResponse Allocatable { get; init; }
        public int ListCalls => Volatile.Read(ref _listCalls);
        public int AllocatableCalls => Volatile.Read(ref _allocatableCalls);

        public override Task<ListPodResourcesResponse> List(ListPodResourcesRequest request, ServerCallContext context)
        {
            Interlocked.Increment(ref _listCalls);
            return Task.FromResult(Pods);
        }

        public override Task<AllocatableResourcesResponse> GetAllocatableResources(AllocatableResourcesRequest request, ServerCallContext context)
        {
            Interlocked.Increment(ref _allocatableCalls);
            return Task.FromResult(Allocatable);
        }
    }
}
