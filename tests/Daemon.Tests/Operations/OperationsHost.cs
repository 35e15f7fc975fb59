using System.Net;
using GpuQos.Backends.Simulation;
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

    private OperationsHost(WebApplication app, Uri baseUri, Uri? healthUri)
    {
        _app = app;
        BaseUri = baseUri;
        HealthUri = healthUri;
    }

    public Uri BaseUri { get; }

    /// <summary>The health listener, when <c>web.healthListen</c> is set (the second address Kestrel bound).</summary>
    public Uri? HealthUri { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Builds the app as <c>gpuqos run --backend sim</c> would (throws what Build throws), then starts it.</summary>
    public static async Task<OperationsHost> StartAsync(WebOptions web, Action<IServiceCollection>? configure = null, string scheme = "http", ObservabilityOptions? observability = null)
    {
        var app = Build(web, configure, observability);
        await app.StartAsync();
        var ports = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a.Replace("*", "localhost", StringComparison.Ordinal)).Port)
            .ToList();
        Assert.Equal(web.HealthListen is null ? 1 : 2, ports.Count);
        return new OperationsHost(app, new Uri($"{scheme}://127.0.0.1:{ports[0]}"), ports.Count > 1 ? new Uri($"http://127.0.0.1:{ports[1]}") : null);
    }

    /// <summary>Builds (does not start) the app with the demo tenants and the given web options.</summary>
    public static WebApplication Build(WebOptions web, Action<IServiceCollection>? configure = null, ObservabilityOptions? observability = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var demo = ConfigLoader.Resolve(null, demoHost: true).Options;
        var options = new GpuQosOptions { Settings = demo.Settings, Tenants = demo.Tenants, Web = web, Observability = observability ?? new ObservabilityOptions() };
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
