using GpuQos.Backends.Simulation;
using GpuQos.Collectors.Attribution;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Hosting;
using GpuQos.Model.Attribution;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Daemon.Tests.Attribution;

public sealed class AttributionRegistrationTests
{
    [Fact]
    public async Task Build_ProcfsRootOnTheCommandLine_OverridesTheConfiguration()
    {
        var options = new GpuQosOptions { Attribution = new AttributionOptions { ProcfsRoot = "/from-config" } };

        await using var app = Build(options, procfsRoot: "/from-cli");

        Assert.Equal("/from-cli", app.Services.GetRequiredService<ProcfsReader>().Root);
        Assert.IsType<TenantAttributor>(app.Services.GetRequiredService<IProcessAttributor>());
        Assert.Contains(app.Services.GetServices<IHostedService>(), s => s is AttributionRefresher);
    }

    [Fact]
    public async Task Build_AttributionDisabled_AttributesNothingAndRefreshesNothing()
    {
        var options = new GpuQosOptions { Attribution = new AttributionOptions { Enabled = false } };

        await using var app = Build(options);

        Assert.IsType<NoAttribution>(app.Services.GetRequiredService<IProcessAttributor>());
        Assert.DoesNotContain(app.Services.GetServices<IHostedService>(), s => s is AttributionRefresher);
    }

    private static WebApplication Build(GpuQosOptions options, string? procfsRoot = null)
    {
        var time = new FakeTimeProvider();
        var backend = new SimulatedBackend(ScenarioLoader.Demo(), time);
        return DaemonHost.Build(new RunRequest(options, "test", BackendKind.Sim, null, "127.0.0.1:0", procfsRoot), backend, time);
    }
}
