using System.Net;
using GpuQos.Daemon.Tests.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace GpuQos.Daemon.Tests.Observability;

/// <summary>
/// A stand-in target serving the example samples of <see cref="PendingFamilies"/>, and a real Prometheus that
/// scrapes it with the project's rules. Started on first use.
/// </summary>
public sealed class PendingShapesStack : IAsyncLifetime
{
    private readonly Lazy<Task<PrometheusServer>> _started;
    private WebApplication? _target;
    private PrometheusServer? _prometheus;

    public PendingShapesStack() => _started = new(StartAsync);

    internal Task<PrometheusServer> PrometheusAsync() => _started.Value;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_prometheus is not null)
        {
            await _prometheus.DisposeAsync();
        }

        if (_target is not null)
        {
            await _target.DisposeAsync();
        }
    }

    private async Task<PrometheusServer> StartAsync()
    {
        var port = DaemonProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        _target = builder.Build();
        var exposition = PendingFamilies.Exposition();
        _target.MapGet("/metrics", () => Results.Text(exposition, "text/plain; version=0.0.4"));
        await _target.StartAsync();
        _prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{port}", RuleFiles.RulePaths);
        await _prometheus.WaitForScrapesAsync(3, TimeSpan.FromSeconds(30));
        return _prometheus;
    }
}
