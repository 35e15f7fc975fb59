using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Observability;

/// <summary>
/// The demo daemon (<c>gpuqos run --backend sim</c>) and a real Prometheus scraping it with the project's rules,
/// shared by the tests of one class. Started on first use, so a class whose tests are all skipped starts nothing.
/// </summary>
public sealed class DemoStack : IAsyncLifetime
{
    private readonly Lazy<Task<PrometheusServer>> _started;
    private DaemonProcess? _daemon;
    private PrometheusServer? _prometheus;

    public DemoStack() => _started = new(StartAsync);

    internal DaemonProcess Daemon => _daemon ?? throw new InvalidOperationException("not started");

    internal Task<PrometheusServer> PrometheusAsync() => _started.Value;

    private async Task<PrometheusServer> StartAsync()
    {
        _daemon = await DaemonProcess.StartAsync(["--backend", "sim"]);
        _prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{_daemon.Port}", RuleFiles.RulePaths);
        await _prometheus.WaitForScrapesAsync(3, TimeSpan.FromSeconds(30));
        return _prometheus;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_prometheus is not null)
        {
            await _prometheus.DisposeAsync();
        }

        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }
    }
}
