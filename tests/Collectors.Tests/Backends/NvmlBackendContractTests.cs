using GpuQos.Backends.Nvml;
using GpuQos.Collectors.Tests.Backends.Nvml;
using GpuQos.Model.Backends;

namespace GpuQos.Collectors.Tests.Backends;

/// <summary>The backend contract on the NVML backend over the stand-in's demo fixture.</summary>
[Collection(NvmlStubCollection.Name)]
public sealed class NvmlBackendContractTests : BackendContractTests, IDisposable
{
    private readonly NvmlBackend _backend;

    public NvmlBackendContractTests(NvmlStubHost stub)
    {
        ArgumentNullException.ThrowIfNull(stub);
        _backend = stub.Open(stub.DemoFixture);
    }

    protected override IGpuBackend Backend => _backend;

    public void Dispose() => _backend.Dispose();
}
