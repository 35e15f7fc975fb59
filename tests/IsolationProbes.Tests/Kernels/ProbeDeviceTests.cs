using GpuQos.IsolationProbes.Kernels;
using ILGPU.Runtime;

namespace GpuQos.IsolationProbes.Tests.Kernels;

/// <summary>The kernels on ILGPU's CPU accelerator, in this process.</summary>
public sealed class ProbeDeviceTests
{
    [Fact]
    public void CountMismatches_OneWordCorrupted_CountsOne()
    {
        using var device = ProbeDevice.Open(AcceleratorChoice.Cpu, 1);
        using var buffer = device.Accelerator.Allocate1D<long>(4096);
        device.Fill(buffer, 42);
        Assert.Equal(0, device.CountMismatches(buffer, 42));

        var data = buffer.GetAsArray1D();
        data[1234] ^= 1;
        buffer.CopyFromCPU(data);

        Assert.Equal(1, device.CountMismatches(buffer, 42));
    }

    [Fact]
    public void CountCanary_FilledBuffer_FindsEveryWord_AndNoneInZeroes()
    {
        using var device = ProbeDevice.Open(AcceleratorChoice.Cpu, 1);
        using var buffer = device.Accelerator.Allocate1D<long>(1000);
        buffer.MemSetToZero();
        Assert.Equal(0, device.CountCanary(buffer, 0x1234_5678));

        device.Fill(buffer, 0x1234_5678);
        Assert.Equal(1000, device.CountCanary(buffer, 0x1234_5678));
    }

    [Fact]
    public void Open_CpuChoice_HasNoNote_AndIsCpu()
    {
        using var device = ProbeDevice.Open(AcceleratorChoice.Cpu, 1);

        Assert.True(device.IsCpu);
        Assert.Null(device.Note);
    }
}
