using GpuQos.Model.Backends;
using GpuQos.Model.Devices;

namespace GpuQos.Collectors.Tests.Backends;

/// <summary>
/// What every backend must do on the demo host (scenarios/demo.yaml for the simulator, the stand-in's
/// fixtures/demo.fixture for NVML): the same GPUs, modes, partitions, processes, the same nulls where NVML has
/// no value, and control calls that take effect. The rest of GpuQos relies on exactly this.
/// </summary>
public abstract class BackendContractTests
{
    /// <summary>The backend under test, over the demo host.</summary>
    protected abstract IGpuBackend Backend { get; }

    /// <summary>
    /// Lets one collection interval pass. Control takes effect by the next interval; the simulator computes one
    /// consistent state per instant, so it needs its clock moved to show the change.
    /// </summary>
    protected virtual void NextInterval()
    {
    }

    [Fact]
    public void Gpus_DemoHost_FiveGpusInIndexOrderWithStableIdentities()
    {
        var first = Backend.Gpus.ToArray();
        Assert.Equal([0, 1, 2, 3, 4], first.Select(g => g.Index));
        Assert.Equal(["NVIDIA H100 80GB HBM3", "NVIDIA A100-SXM4-80GB", "NVIDIA L40S", "NVIDIA A100-SXM4-40GB", "NVIDIA A10"], first.Select(g => g.Name));
        Assert.All(first, g => Assert.StartsWith("GPU-", g.Uuid, StringComparison.Ordinal));
        Assert.Equal(5, first.Select(g => g.Uuid).Distinct().Count());
        _ = Backend.ReadDevice(0);
        Assert.Equal(first, Backend.Gpus);
    }

    [Fact]
    public void ReadDevice_DemoHost_ReportsEachSharingMode()
    {
        Assert.Equal(
            [SharingMode.Mig, SharingMode.TimeSliced, SharingMode.Vgpu, SharingMode.Mps, SharingMode.Exclusive],
            Enumerable.Range(0, 5).Select(i => Backend.ReadDevice(i).Mode));
    }

    [Fact]
    public void ReadDevice_MigGpu_HasNoWholeDeviceUtilizationButOthersDo()
    {
        var mig = Backend.ReadDevice(0);
        Assert.Null(mig.SmUtilization);
        Assert.Null(mig.MemoryBandwidthUtilization);
        for (var i = 1; i < 5; i++)
        {
            var d = Backend.ReadDevice(i);
            Assert.NotNull(d.SmUtilization);
            Assert.InRange(d.SmUtilization.Value, 0, 1);
            Assert.NotNull(d.PowerWatts);
            Assert.NotNull(d.TemperatureCelsius);
            Assert.True(d.MemoryUsedBytes > 0 && d.MemoryUsedBytes <= d.MemoryTotalBytes);
        }
    }

    [Fact]
    public void ReadPartitions_MigGpu_ProfilesPlacementsAndSmCounts()
    {
        var partitions = Backend.ReadPartitions(0);
        Assert.Equal(
            [("gi1-ci0", "3g.40gb", 4, 60), ("gi2-ci0", "2g.20gb", 0, 32), ("gi3-ci0", "1g.10gb", 2, 16), ("gi4-ci0", "1g.10gb", 3, 16)],
            partitions.Select(p => (p.Id, p.Profile, p.PlacementStart ?? -1, p.SmCount ?? -1)));
        Assert.All(partitions, p =>
        {
            Assert.Equal(PartitionKind.Mig, p.Kind);
            Assert.StartsWith("MIG-", p.Uuid, StringComparison.Ordinal);
            Assert.NotNull(p.MemoryTotalBytes);
            Assert.NotNull(p.SmUtilization);
        });
        Assert.Equal(40L << 30, partitions[0].MemoryTotalBytes);
    }

    [Fact]
    public void ReadPartitions_VgpuGpu_OneInstancePerVmWithTypeAndScheduler()
    {
        var partitions = Backend.ReadPartitions(2);
        Assert.Equal(
            [("vgpu-1", "vm-cad-01", "NVIDIA L40S-12Q"), ("vgpu-2", "vm-cad-02", "NVIDIA L40S-12Q"), ("vgpu-3", "vm-vdi-03", "NVIDIA L40S-8Q"), ("vgpu-4", "vm-vdi-04", "NVIDIA L40S-8Q")],
            partitions.Select(p => (p.Id, p.VmId, p.Profile)));
        Assert.All(partitions, p =>
        {
            Assert.Equal(PartitionKind.Vgpu, p.Kind);
            Assert.Equal(VgpuSchedulerPolicy.BestEffort, p.SchedulerPolicy);
            Assert.Equal(0.002, p.SchedulerTimesliceSeconds);
            Assert.NotNull(p.SmUtilization);
            Assert.NotNull(p.EncoderUtilization);
        });
        Assert.Equal(12L << 30, partitions[0].MemoryTotalBytes);
    }

    [Fact]
    public void ReadPartitions_WholeDeviceGpus_SharedOrExclusive()
    {
        Assert.Equal(
            [(1, PartitionKind.Shared), (3, PartitionKind.Shared), (4, PartitionKind.Exclusive)],
            new[] { 1, 3, 4 }.Select(i => (i, Assert.Single(Backend.ReadPartitions(i)).Kind)));
        Assert.All(new[] { 1, 3, 4 }, i => Assert.Equal("whole", Backend.ReadPartitions(i)[0].Id));
    }

    [Fact]
    public void ReadProcesses_DemoHost_ProcessesInTheirPartitions()
    {
        Assert.Equal(
            [(5101, "gi1-ci0", "tritonserver"), (5102, "gi2-ci0", "python3"), (5103, "gi3-ci0", "jupyter-kernel")],
            Backend.ReadProcesses(0).Select(p => (p.Pid, p.PartitionId, p.Name)).Order());
        Assert.Equal([4101, 4102, 4103, 4104], Backend.ReadProcesses(1).Select(p => p.Pid).Order());
        Assert.Empty(Backend.ReadProcesses(2));
        Assert.Equal([3900, 3901, 3902], Backend.ReadProcesses(3).Select(p => p.Pid).Order());
        Assert.Equal((6101, "whole"), Backend.ReadProcesses(4).Select(p => (p.Pid, p.PartitionId)).Single());
        Assert.Equal(31L << 30, Backend.ReadProcesses(0).Single(p => p.Pid == 5101).UsedMemoryBytes);
    }

    [Fact]
    public void ReadProcesses_UtilizationOnlyWhereNvmlCanAttributeIt()
    {
        // None inside MIG instances; under MPS only the server's; everywhere else every process's.
        Assert.All(Backend.ReadProcesses(0), p => Assert.Null(p.SmUtilization));
        var mps = Backend.ReadProcesses(3);
        Assert.All(mps.Where(p => p.Pid != 3900), p => Assert.Null(p.SmUtilization));
        Assert.NotNull(mps.Single(p => p.Pid == 3900).SmUtilization);
        Assert.Equal("nvidia-cuda-mps-server", mps.Single(p => p.Pid == 3900).Name);
        Assert.All(Backend.ReadProcesses(1).Concat(Backend.ReadProcesses(4)), p => Assert.InRange(p.SmUtilization ?? -1, 0, 1));
    }

    [Fact]
    public void Control_PowerLimit_RoundTrips()
    {
        var before = Backend.Control.GetPowerLimit(4);
        Backend.Control.SetPowerLimit(4, 120_000);
        NextInterval();
        Assert.Equal(120_000u, Backend.Control.GetPowerLimit(4));
        Assert.Equal(120.0, Backend.ReadDevice(4).PowerLimitWatts);
        Backend.Control.SetPowerLimit(4, before);
        Assert.Equal(before, Backend.Control.GetPowerLimit(4));
    }

    [Fact]
    public void Control_PowerLimitOutOfRange_InvalidArgument()
    {
        var ex = Assert.Throws<GpuBackendException>(() => Backend.Control.SetPowerLimit(4, 1_000_000));
        Assert.Equal("INVALID_ARGUMENT", ex.Code);
        Assert.Equal("nvmlDeviceSetPowerManagementLimit", ex.Function);
    }

    [Fact]
    public void Control_LockedClocks_ShowInReadingUntilReset()
    {
        Backend.Control.SetLockedClocks(1, 900, 1200);
        NextInterval();
        Assert.Equal(new ClockRange(900e6, 1200e6), Backend.ReadDevice(1).LockedClockHz);
        Backend.Control.ResetLockedClocks(1);
        NextInterval();
        Assert.Null(Backend.ReadDevice(1).LockedClockHz);
    }

    [Fact]
    public void Control_ComputeMode_RoundTrips()
    {
        Backend.Control.SetComputeMode(1, ComputeMode.Prohibited);
        Assert.Equal(ComputeMode.Prohibited, Backend.Control.GetComputeMode(1));
        Backend.Control.SetComputeMode(1, ComputeMode.Default);
        Assert.Equal(ComputeMode.Default, Backend.Control.GetComputeMode(1));
    }

    [Fact]
    public void Control_VgpuSchedulerWhileVmsRun_InUse()
    {
        Assert.Equal((VgpuSchedulerPolicy.BestEffort, 2000u), Backend.Control.GetVgpuScheduler(2));
        var ex = Assert.Throws<GpuBackendException>(() => Backend.Control.SetVgpuScheduler(2, VgpuSchedulerPolicy.EqualShare, 1000));
        Assert.Equal("IN_USE", ex.Code);
        Assert.Equal((VgpuSchedulerPolicy.BestEffort, 2000u), Backend.Control.GetVgpuScheduler(2));
    }

    [Fact]
    public void Read_UnknownGpu_Throws()
    {
        Assert.Throws<GpuBackendException>(() => Backend.ReadDevice(5));
    }
}
