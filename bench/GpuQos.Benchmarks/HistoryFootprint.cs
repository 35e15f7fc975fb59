using System.Globalization;
using GpuQos.Collectors.Collection;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Benchmarks;

/// <summary>
/// What the snapshot history keeps alive: <c>history --snapshots 600</c> fills a <see cref="SnapshotStore"/> with
/// that many cycles of the scale host (its tenants attributed, as in the daemon) and prints the managed bytes the
/// store retains per snapshot, measured with full collections before and after.
/// </summary>
internal static class HistoryFootprint
{
    public static int Run(string[] args)
    {
        var snapshots = int.Parse(LoadTest.Arg(args, "--snapshots", "600"), CultureInfo.InvariantCulture);
        var time = new FakeTimeProvider();
        using var host = new ScaleHost(time);
        var pipeline = host.Pipeline;

        // Warm every cache the pipeline keeps (attribution answers, interned names) before the baseline.
        var warm = new SnapshotStore(snapshots);
        Fill(warm, pipeline, time, 5);
        var tenants = warm.Latest!.Tenants.Count;
        var processes = warm.Latest.Gpus.Sum(g => g.Processes.Count);
        warm = null;
        var before = Retained();
        var store = new SnapshotStore(snapshots);
        Fill(store, pipeline, time, snapshots);
        var after = Retained();
        GC.KeepAlive(store);
        GC.KeepAlive(warm);

        var perSnapshot = (after - before) / (double)snapshots;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"snapshots={snapshots} processes={processes} tenant_usages={tenants} retained_mib={(after - before) / 1048576.0:0.0} per_snapshot_kib={perSnapshot / 1024:0.0}"));
        return 0;
    }

    private static void Fill(SnapshotStore store, CollectionPipeline pipeline, FakeTimeProvider time, int count)
    {
        for (var i = 0; i < count; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            store.Publish(pipeline.Collect());
        }
    }

    /// <summary>Managed bytes still reachable after full, compacting collections.</summary>
    internal static long Retained()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }
}
