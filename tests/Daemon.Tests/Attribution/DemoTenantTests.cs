using GpuQos.Daemon.Hosting;
using GpuQos.Daemon.Tests.TestSupport;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Daemon.Tests.Attribution;

/// <summary>Tenants on the built-in demo host, with its demo configuration, in process on a fake clock.</summary>
public sealed class DemoTenantTests
{
    private const int TimeSlicedGpu = 1;

    [Fact]
    public async Task DemoHost_TimeSlicedGpu_TenantSharesAddUpToDeviceUtilization()
    {
        var time = new FakeTimeProvider();
        await using var app = DemoHost.Build(time);
        var collection = app.Services.GetRequiredService<CollectionService>();
        var store = app.Services.GetRequiredService<SnapshotStore>();

        // Two minutes of the demo: quiet, the noisy neighbour's ramp, its hold, and the evaluation job coming and going.
        for (var second = 0; second < 120; second++)
        {
            collection.RunCycle();
            var snapshot = store.Latest!;
            var device = snapshot.Gpus[TimeSlicedGpu].Device!.SmUtilization!.Value;
            var tenants = snapshot.Tenants.Where(t => t.Gpu == TimeSlicedGpu).ToArray();
            Assert.All(tenants, t => Assert.NotNull(t.SmShare));
            Assert.InRange(tenants.Sum(t => t.SmShare!.Value), device - 0.01, device + 0.01);
            time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public async Task DemoHost_NoisyNeighbour_IsItsOwnTenantAndDominatesDuringItsRamp()
    {
        var time = new FakeTimeProvider();
        await using var app = DemoHost.Build(time);
        var collection = app.Services.GetRequiredService<CollectionService>();
        var store = app.Services.GetRequiredService<SnapshotStore>();
        time.Advance(TimeSpan.FromSeconds(40)); // after the 10..25 s ramp, inside the hold

        collection.RunCycle();

        var gpu = store.Latest!.Gpus[TimeSlicedGpu];
        var noisy = gpu.Processes.Single(p => p.Reading.Pid == 4104);
        Assert.Equal("research", noisy.Attribution.Tenant);
        Assert.DoesNotContain(gpu.Processes, p => p.Reading.Pid != 4104 && p.Reading.Pid != 4105 && p.Attribution.Tenant == "research");
        var shares = store.Latest.Tenants.Where(t => t.Gpu == TimeSlicedGpu).ToDictionary(t => t.Tenant, t => t.SmShare!.Value);
        Assert.Equal("research", shares.MaxBy(kv => kv.Value).Key);
    }
}
