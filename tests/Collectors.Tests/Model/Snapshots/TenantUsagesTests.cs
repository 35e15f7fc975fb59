using GpuQos.Model.Snapshots;

namespace GpuQos.Collectors.Tests.Model.Snapshots;

public sealed class TenantUsagesTests
{
    private static readonly TenantUsage[] Usages =
    [
        new("search", 0, 0.3, 100, 1),
        new("search", 1, 0.1, 200, 2),
        new("ads", 1, 0.5, 300, 3),
    ];

    [Fact]
    public void Find_TenantAndGpu_ThatUsageElseNull()
    {
        var usages = new TenantUsages(Usages);
        Assert.Same(Usages[1], usages.Find("search", 1));
        Assert.Same(Usages[2], usages.Find("ads", 1));
        Assert.Null(usages.Find("ads", 0));
        Assert.Null(usages.Find("nobody", 1));
        Assert.Equal(Usages, usages);
    }

    [Fact]
    public void UsageOf_IndexedOrPlainList_SameAnswer()
    {
        var indexed = Snapshot(new TenantUsages(Usages));
        var plain = Snapshot(Usages);
        foreach (var (tenant, gpu) in new[] { ("search", 0), ("search", 1), ("ads", 1), ("ads", 0), ("x", 2) })
        {
            Assert.Equal(plain.UsageOf(tenant, gpu), indexed.UsageOf(tenant, gpu));
        }

        Assert.Same(Usages[0], indexed.UsageOf("search", 0));
    }

    [Fact]
    public void Compact_DropsTheIndex_AndLookupsStillAnswerTheSame()
    {
        var usages = new TenantUsages(Usages);
        var latest = Snapshot(usages);
        Assert.False(usages.Indexed);
        Assert.Same(Usages[1], latest.UsageOf("search", 1));
        Assert.True(usages.Indexed);

        var kept = latest.Compact();

        Assert.False(usages.Indexed);
        Assert.Same(usages, kept.Tenants);
        Assert.Same(Usages[1], kept.UsageOf("search", 1));
        Assert.Same(Usages[2], latest.UsageOf("ads", 1));
        Assert.Null(kept.UsageOf("ads", 0));
        Assert.False(usages.Indexed);
    }

    private static HostSnapshot Snapshot(IReadOnlyList<TenantUsage> tenants) =>
        new() { Timestamp = DateTimeOffset.UnixEpoch, Sequence = 1, Backend = "test", Gpus = [], Tenants = tenants, Collectors = [] };
}
