using System.Net;
using GpuQos.Collectors.Simulation;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Daemon.Tests.Operations;

/// <summary>The daemon's composition root on the demo host, started in process on a free loopback port, with test registrations.</summary>
public sealed class OperationsHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OperationsHost(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Builds the app as <c>gpuqos run --backend sim</c> would (throws what Build throws), then starts it.</summary>
    public static async Task<OperationsHost> StartAsync(WebOptions web, Action<IServiceCollection>? configure = null, string scheme = "http")
    {
        var app = Build(web, configure);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var port = new Uri(address.Replace("*", "localhost", StringComparison.Ordinal)).Port;
        return new OperationsHost(app, new Uri($"{scheme}://127.0.0.1:{port}"));
    }

    /// <summary>Builds (does not start) the app with the demo tenants and the given web options.</summary>
    public static WebApplication Build(WebOptions web, Action<IServiceCollection>? configure = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var demo = ConfigLoader.Resolve(null, demoHost: true).Options;
        var options = new GpuQosOptions { Settings = demo.Settings, Tenants = demo.Tenants, Web = web };
        var backend = new SimulatedBackend(ScenarioLoader.Demo(), time);
        return DaemonHost.Build(new RunRequest(options, "test", BackendKind.Sim, null, "127.0.0.1:0"), backend, time, configureServices: configure);
    }

    public HttpClient Client(HttpMessageHandler? handler = null) =>
        new(handler ?? new HttpClientHandler(), disposeHandler: true) { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(10), DefaultRequestVersion = HttpVersion.Version11 };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
