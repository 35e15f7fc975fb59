using GpuQos.Backends.Simulation;
using GpuQos.Model.Backends;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Collectors.Tests.Backends;

/// <summary>The backend contract on the simulated demo host, read at t = 0.</summary>
public sealed class SimulatedBackendContractTests : BackendContractTests, IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly SimulatedBackend _backend;

    public SimulatedBackendContractTests() => _backend = new SimulatedBackend(ScenarioLoader.Demo(), _time);

    protected override IGpuBackend Backend => _backend;

    protected override void NextInterval() => _time.Advance(TimeSpan.FromSeconds(1));

    public void Dispose() => _backend.Dispose();
}
