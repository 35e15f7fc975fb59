using GpuQos.Model.Snapshots;
using GpuQos.Collectors.Accounting;
using GpuQos.Model.Devices;
using static GpuQos.Collectors.Tests.Accounting.LedgerSnapshots;

namespace GpuQos.Collectors.Tests.Accounting;

public sealed class UsageLedgerTests
{
    private static readonly PartitionReading Mig1g = new() { Id = "gi7-ci0", Kind = PartitionKind.Mig, Profile = "1g.5gb", SmCount = 14, MemoryTotalBytes = 5L << 30, MemoryUsedBytes = 4L << 30, SmUtilization = 1.0 };
    private static readonly PartitionReading Mig3gIdle = new() { Id = "gi1-ci0", Kind = PartitionKind.Mig, Profile = "3g.20gb", SmCount = 42, MemoryTotalBytes = 20L << 30, MemoryUsedBytes = 0, SmUtilization = 0 };

    [Fact]
    public void Integrate_1gMigInstanceBusyForAnHour_CountsOneSeventhOfAnA100Hour()
    {
        var ledger = new UsageLedger(TimeSpan.FromSeconds(1));
        for (var t = 0; t <= 3600; t++)
        {
            ledger.Integrate(At(t, SharingMode.Mig, [new PartitionSnapshot(Mig1g, "train")], []));
        }

        var account = ledger.Accounts.Single();
        Assert.Equal(("train", "GPU-a100", "NVIDIA A100-SXM4-40GB"), (account.Tenant, account.Uuid, account.GpuModel));
        Assert.Equal(3600.0 / 7, account.SmSeconds, 6);
        Assert.Equal(3600.0 / 7, account.ReservedSeconds, 6);
        Assert.Equal(3600.0 * (4L << 30), account.MemoryByteSeconds, 0);
    }

    [Fact]
    public void Integrate_IdleMigInstance_IsReservedButNotUsed()
    {
        var ledger = new UsageLedger(TimeSpan.FromSeconds(1));
        for (var t = 0; t <= 100; t++)
        {
            ledger.Integrate(At(t, SharingMode.Mig, [new PartitionSnapshot(Mig3gIdle, "idle")], []));
        }

        var account = ledger.Accounts.Single();
        Assert.Equal(0, account.SmSeconds);
        Assert.Equal(100 * 3.0 / 7, account.ReservedSeconds, 6);
    }

    [Fact]
    public void Integrate_TimeSliced_SumsProcessSharesOverTime_AndReservesOnlyTheFloor()
    {
        var floors = new Floors { ["a"] = 0.25 };
        var ledger = new UsageLedger(floors, () => TimeSpan.FromSeconds(1));
        for (var t = 0; t <= 10; t++)
        {
            ledger.Integrate(At(t, SharingMode.TimeSliced, [], [Process(1, "a", 1L << 30, 0.2), Process(2, "a", 1L << 30, 0.1), Process(3, "b", 2L << 30, 0.5)]));
        }

        var byTenant = ledger.Accounts.ToDictionary(a => a.Tenant);
        Assert.Equal(3.0, byTenant["a"].SmSeconds, 9);
        Assert.Equal(5.0, byTenant["b"].SmSeconds, 9);
        Assert.Equal(10.0 * (2L << 30), byTenant["a"].MemoryByteSeconds, 0);
        Assert.Equal(2.5, byTenant["a"].ReservedSeconds, 9);
        Assert.Equal(0, byTenant["b"].ReservedSeconds);
    }

    [Fact]
    public void Integrate_VgpuFramebuffer_IsReservedAsItsShareOfTheGpusMemory()
    {
        var vm = new PartitionReading { Id = "vgpu-1", Kind = PartitionKind.Vgpu, Profile = "A100-10C", MemoryTotalBytes = 10L << 30, MemoryUsedBytes = 1L << 30, SmUtilization = 0.3 };
        var ledger = new UsageLedger(TimeSpan.FromSeconds(1));
        ledger.Integrate(At(0, SharingMode.Vgpu, [new PartitionSnapshot(vm, "vm-tenant")], []));
        ledger.Integrate(At(4, SharingMode.Vgpu, [new PartitionSnapshot(vm, "vm-tenant")], []));

        var account = ledger.Accounts.Single();
        Assert.Equal(4 * 0.25, account.ReservedSeconds, 9); // 10 of the GPU's 40 GiB
        Assert.Equal(4 * 0.3, account.SmSeconds, 9);
    }

    [Fact]
    public void Integrate_SameSnapshotTwice_CountsItOnce_AndALongGapCountsAtMostFiveIntervals()
    {
        var ledger = new UsageLedger(TimeSpan.FromSeconds(1));
        var procs = new[] { Process(1, "a", 0, 1.0) };
        ledger.Integrate(At(0, SharingMode.TimeSliced, [], procs));
        var second = At(1, SharingMode.TimeSliced, [], procs);
        ledger.Integrate(second);
        ledger.Integrate(second);
        Assert.Equal(1.0, ledger.Accounts.Single().SmSeconds, 9);

        ledger.Integrate(At(61, SharingMode.TimeSliced, [], procs));
        Assert.Equal(1.0 + UsageLedger.MaxGapIntervals, ledger.Accounts.Single().SmSeconds, 9);
    }

    [Fact]
    public void Integrate_TenantLeavesTheGpu_KeepsItsAccountAndTotal()
    {
        var ledger = new UsageLedger(TimeSpan.FromSeconds(1));
        ledger.Integrate(At(0, SharingMode.TimeSliced, [], [Process(1, "a", 0, 0.5)]));
        ledger.Integrate(At(2, SharingMode.TimeSliced, [], [Process(1, "a", 0, 0.5)]));
        ledger.Integrate(At(3, SharingMode.TimeSliced, [], [Process(2, "b", 0, 0.5)]));

        var byTenant = ledger.Accounts.ToDictionary(a => a.Tenant);
        Assert.Equal(1.0, byTenant["a"].SmSeconds, 9);
        Assert.Equal(0.5, byTenant["b"].SmSeconds, 9);
    }

    [Theory]
    [InlineData("1g.5gb", 1.0 / 7)]
    [InlineData("3g.20gb", 3.0 / 7)]
    [InlineData("whole", 0.0)]
    public void MigWeight_UnknownModel_FallsBackToComputeSlicesOverSeven(string profile, double expected)
    {
        var unknown = new PartitionReading { Id = "x", Kind = PartitionKind.Mig, Profile = profile, SmCount = 10 };

        Assert.Equal(expected, UsageLedger.MigWeight(unknown, null), 9);
    }

    private sealed class Floors : Dictionary<string, double>, IReservationFloors
    {
        public double FloorOf(string tenant, int gpu) => TryGetValue(tenant, out var floor) ? floor : 0;
    }
}
