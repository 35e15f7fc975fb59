using GpuQos.Model.Backends;

namespace GpuQos.Collectors.Tests.Backends.Nvml;

/// <summary>The device ranges the enforcer checks its settings against, read through NVML from the stand-in's fixture.</summary>
[Collection(NvmlStubCollection.Name)]
public sealed class NvmlDeviceLimitsTests(NvmlStubHost stub)
{
    [Fact]
    public void GetPowerLimitConstraints_DemoA100_FixtureRange()
    {
        using var backend = stub.Open(stub.DemoFixture);
        Assert.Equal((100_000u, 400_000u), backend.GetPowerLimitConstraints(1));
        Assert.Equal((37_500u, 150_000u), backend.GetPowerLimitConstraints(4));
    }

    [Fact]
    public void GetSupportedSmClocks_DemoGpus_LowestAndHighestListed()
    {
        using var backend = stub.Open(stub.DemoFixture);
        Assert.Equal((210u, 1410u), backend.GetSupportedSmClocks(1));
        Assert.Equal((210u, 1980u), backend.GetSupportedSmClocks(0));
    }

    [Fact]
    public void GetLockedClocks_SetThenReset_TheLockThisProcessHolds()
    {
        using var backend = stub.Open(stub.DemoFixture);
        IGpuControl control = backend;
        Assert.Null(control.GetLockedClocks(1));
        control.SetLockedClocks(1, 900, 1200);
        Assert.Equal((900u, 1200u), control.GetLockedClocks(1));
        control.ResetLockedClocks(1);
        Assert.Null(control.GetLockedClocks(1));
    }
}
