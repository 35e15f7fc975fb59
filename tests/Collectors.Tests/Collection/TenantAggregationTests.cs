using GpuQos.Collectors.Tests.Attribution;
using GpuQos.Model.Devices;
using GpuQos.Model.Snapshots;

namespace GpuQos.Collectors.Tests.Collection;

public sealed class TenantAggregationTests
{
    private static readonly PartitionReading Mig3g = new() { Id = "gi1-ci0", Kind = PartitionKind.Mig, SmCount = 60, MemoryUsedBytes = 10L << 30, SmUtilization = 0.5 };
    private static readonly PartitionReading Mig2g = new() { Id = "gi2-ci0", Kind = PartitionKind.Mig, SmCount = 40, MemoryUsedBytes = 2L << 30, SmUtilization = 1.0 };

    [Fact]
    public void Aggregate_ForeignProcessInAnOwnedMigInstance_KeepsItsMemoryAndIsNotCountedTwice()
    {
        var host = Snapshots.Host(
            SharingMode.Mig,
            [new PartitionSnapshot(Mig3g, "owner"), new PartitionSnapshot(Mig2g, "")],
            [Snapshots.Process(1, "owner", 7L << 30, null, Mig3g), Snapshots.Process(2, "guest", 3L << 30, null, Mig3g)]);

        var byTenant = host.Tenants.ToDictionary(t => t.Tenant);

        Assert.Equal(7L << 30, byTenant["owner"].MemoryUsedBytes);
        Assert.Equal(3L << 30, byTenant["guest"].MemoryUsedBytes);
        Assert.Equal(0.5 * 60 / 100, byTenant["owner"].SmShare!.Value, 9); // weighted by the instance's share of MIG SMs
        Assert.Null(byTenant["guest"].SmShare); // SM time inside MIG cannot be split by process
        Assert.Equal(1, byTenant["owner"].Processes);
    }

    [Fact]
    public void Aggregate_TimeSliced_SumsProcessShares()
    {
        var host = Snapshots.Host(
            SharingMode.TimeSliced,
            [],
            [Snapshots.Process(1, "a", 1, 0.2), Snapshots.Process(2, "a", 1, 0.1), Snapshots.Process(3, "b", 1, 0.3), Snapshots.Process(4, "", 1, 0.4)]);

        var byTenant = host.Tenants.ToDictionary(t => t.Tenant);

        Assert.Equal(0.3, byTenant["a"].SmShare!.Value, 9);
        Assert.Equal(2, byTenant["a"].Processes);
        Assert.Equal(0.3, byTenant["b"].SmShare!.Value, 9);
        Assert.False(byTenant.ContainsKey(""));
    }

    [Fact]
    public void Aggregate_Mps_HasMemoryButNoSmShare()
    {
        var host = Snapshots.Host(SharingMode.Mps, [], [Snapshots.Process(1, "a", 5, null), Snapshots.Process(2, "a", 6, null)]);

        var a = Assert.Single(host.Tenants);

        Assert.Null(a.SmShare);
        Assert.Equal(11, a.MemoryUsedBytes);
    }
}
