using GpuQos.Backends.Simulation;
using GpuQos.Collectors.Collection;
using GpuQos.Model.Attribution;
using GpuQos.Model.Devices;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Collectors.Tests.Model.Snapshots;

/// <summary>
/// The history keeps earlier snapshots compact: what its readers take from processes is in the tenant usage,
/// so nothing they read may change when the processes go.
/// </summary>
public sealed class SnapshotHistoryTests
{
    // The demo host: GPU 0 is MIG, 1 time-sliced, 2 vGPU (no processes), 3 MPS.
    private const int MigGpu = 0, TimeSlicedGpu = 1, VgpuGpu = 2, MpsGpu = 3;

    [Fact]
    public void Publish_KeepsTheLatestWhole_AndEarlierOnesCompactOnlyWhereTenantsAreKnown()
    {
        var (store, _) = Collect(cycles: 4, capacity: 10);

        var window = store.Window(TimeSpan.FromMinutes(1));
        Assert.Equal(4, window.Count);
        Assert.Same(store.Latest, window[^1]);
        Assert.False(window[^1].Compacted);
        Assert.NotEmpty(window[^1].Gpus[TimeSlicedGpu].Processes);
        foreach (var old in window.Take(3))
        {
            Assert.True(old.Compacted);

            // Attributed GPUs lose their processes and partitions, and keep their device readings.
            Assert.Empty(old.Gpus[TimeSlicedGpu].Processes);
            Assert.Empty(old.Gpus[MigGpu].Partitions);
            Assert.NotNull(old.Gpus[TimeSlicedGpu].Device);

            // Nobody is attributed on the vGPU and MPS GPUs: the advisor counts their partitions and processes.
            Assert.NotEmpty(old.Gpus[VgpuGpu].Partitions);
            Assert.NotEmpty(old.Gpus[MpsGpu].Processes);
            Assert.DoesNotContain(old.Tenants, t => t.Gpu is VgpuGpu or MpsGpu);
        }
    }

    [Fact]
    public void Publish_WithARetention_KeepsOnlyTheSnapshotsAWindowOfItReads()
    {
        var time = new FakeTimeProvider();
        using var backend = new SimulatedBackend(ScenarioLoader.Demo(), time);
        var pipeline = new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, new UserTenants(), time, new BackendErrorCounter());
        var store = new SnapshotStore(600, TimeSpan.FromSeconds(5));
        for (var i = 0; i < 50; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            store.Publish(pipeline.Collect());
        }

        // A 5 s window at a 1 s interval reads (latest - 5 s, latest]: five snapshots, however long the run.
        Assert.Equal(5, store.Count);
        Assert.Equal(store.Window(TimeSpan.FromSeconds(5)).Count, store.Count);
        Assert.Same(store.Latest, store.Window(TimeSpan.FromHours(1))[^1]);

        // A shorter retention frees at once, down to the latest alone; a longer one keeps what arrives from then on.
        store.Retain(TimeSpan.FromSeconds(2));
        Assert.Equal(2, store.Count);
        store.Retain(TimeSpan.Zero);
        Assert.Equal(1, store.Count);
        store.Retain(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 40; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            store.Publish(pipeline.Collect());
            Assert.Equal(Math.Min(i + 2, 30), store.Count);
        }
    }

    [Fact]
    public void Publish_WithoutARetention_KeepsUpToTheCapacity()
    {
        var (store, _) = Collect(cycles: 12, capacity: 10);

        Assert.Equal(10, store.Count);
        Assert.Equal(TimeSpan.MaxValue, store.Retention);
        Assert.Throws<ArgumentOutOfRangeException>(() => store.Retain(TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void Compact_KeepsEveryTenantUsage_AndTheCycleFacts()
    {
        var time = new FakeTimeProvider();
        using var backend = new SimulatedBackend(ScenarioLoader.Demo(), time);
        var pipeline = new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, new UserTenants(), time, new BackendErrorCounter());
        var whole = pipeline.Collect();

        var compact = whole.Compact();

        Assert.Equal(whole.Tenants, compact.Tenants);
        Assert.Equal(whole.Timestamp, compact.Timestamp);
        Assert.Equal(whole.Sequence, compact.Sequence);
        Assert.Equal(whole.Gpus.Select(g => (g.Identity, g.Device, g.ProcessesRead)), compact.Gpus.Select(g => (g.Identity, g.Device, g.ProcessesRead)));
        Assert.Same(compact, compact.Compact());
        Assert.True(whole.Gpus[TimeSlicedGpu].Processes.Count > 0, "the demo's time-sliced GPU has processes to drop");
        Assert.Empty(compact.Gpus[TimeSlicedGpu].Processes);
    }

    [Fact]
    public void Aggregate_CountsCoTenantsPerPartition()
    {
        var (store, _) = Collect(cycles: 1, capacity: 1);
        var snapshot = store.Latest!;

        // Time-sliced GPU: search, ads, bob and research (two processes) share the whole GPU.
        Assert.Equal(
            [("ads", 3), ("bob", 3), ("research", 3), ("search", 3)],
            snapshot.Tenants.Where(t => t.Gpu == TimeSlicedGpu).Select(t => (t.Tenant, t.CoTenants)));

        // MIG GPU: every tenant has an instance of its own.
        Assert.All(snapshot.Tenants.Where(t => t.Gpu == MigGpu), t => Assert.Equal(0, t.CoTenants));
    }

    [Fact]
    public void Aggregate_ATenantOnTwoPartitions_HasTheOtherTenantsOfBoth()
    {
        var gpu = new GpuIdentity(0, "GPU-0", "test", "00000000:01:00.0");
        ProcessSnapshot Process(int pid, string partition, string tenant) => new(
            new ProcessReading { Pid = pid, Name = "p", PartitionId = partition },
            null,
            ProcessAttribution.Unknown with { Tenant = tenant });
        var snapshot = new GpuSnapshot
        {
            Identity = gpu,
            Device = new DeviceReading { Mode = SharingMode.Mig, MemoryTotalBytes = 1, MemoryUsedBytes = 0 },
            Processes =
            [
                Process(1, "gi1", "a"), Process(2, "gi1", "b"),
                Process(3, "gi2", "b"), Process(4, "gi2", "c"),
                Process(5, "gi3", "d"), Process(6, "gi3", ""),
            ],
        };

        var usage = TenantAggregation.Aggregate([snapshot]);

        Assert.Equal([("a", 1), ("b", 2), ("c", 1), ("d", 0)], usage.Select(t => (t.Tenant, t.CoTenants)));
    }

    private static (SnapshotStore Store, FakeTimeProvider Time) Collect(int cycles, int capacity)
    {
        var time = new FakeTimeProvider();
        using var backend = new SimulatedBackend(ScenarioLoader.Demo(), time);
        var pipeline = new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, new UserTenants(), time, new BackendErrorCounter());
        var store = new SnapshotStore(capacity);
        for (var i = 0; i < cycles; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            store.Publish(pipeline.Collect());
        }

        return (store, time);
    }

    /// <summary>Each process's Unix user is its tenant on the MIG and time-sliced GPUs; nothing is attributed elsewhere.</summary>
    private sealed class UserTenants : IProcessAttributor
    {
        public ProcessAttribution Attribute(GpuIdentity gpu, ProcessReading process, PartitionReading? partition) =>
            gpu.Index is MigGpu or TimeSlicedGpu ? ProcessAttribution.Unknown with { Tenant = process.User ?? "" } : ProcessAttribution.Unknown;

        public string TenantOf(GpuIdentity gpu, PartitionReading partition) => "";
    }
}
