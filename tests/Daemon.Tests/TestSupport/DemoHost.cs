using GpuQos.Backends.Simulation;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Daemon.Tests.TestSupport;

/// <summary>The daemon's composition root on the simulated demo host and a fake clock, in process.</summary>
public static class DemoHost
{
    /// <summary>Builds the app (not started) with every service registered, as <c>gpuqos run --backend sim</c> would.</summary>
    public static WebApplication Build(FakeTimeProvider time, ScenarioOptions? scenario = null, GpuQosOptions? options = null)
    {
        var backend = new SimulatedBackend(scenario ?? ScenarioLoader.Demo(), time);
        var config = options ?? ConfigLoader.Resolve(null, demoHost: true).Options;
        return DaemonHost.Build(new RunRequest(config, "test", BackendKind.Sim, null, "127.0.0.1:0"), backend, time);
    }
}
