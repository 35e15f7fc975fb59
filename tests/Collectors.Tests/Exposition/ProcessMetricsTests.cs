using GpuQos.Collectors.Attribution;
using GpuQos.Collectors.Exposition;
using GpuQos.Collectors.Tests.Attribution;
using GpuQos.Model.Attribution;
using GpuQos.Model.Devices;
using GpuQos.Model.Snapshots;

namespace GpuQos.Collectors.Tests.Exposition;

public sealed class ProcessMetricsTests
{
    private static readonly ProcessSnapshot[] Processes =
    [
        Snapshots.Process(10, "a", 1 << 20, 0.05),
        Snapshots.Process(11, "a", 8 << 20, 0.40),
        Snapshots.Process(12, "b", 4 << 20, null),
        Snapshots.Process(13, "b", 2 << 20, 0.20),
        Snapshots.Process(14, "c", 16 << 20, 0.01),
    ];

    [Fact]
    public void WriteTo_MoreProcessesThanTheCap_FoldsTheRestIntoOneOverflowSeries()
    {
        var writer = Write(cap: 2);

        var memory = writer.Of(ProcessMetrics.MemoryUsed.Name).ToArray();
        Assert.Equal(3, memory.Length);
        Assert.Equal(["11", "13", ""], memory.Select(m => m.Labels["pid"]));
        var other = memory[2];
        Assert.Equal(ProcessMetrics.OverflowProcess, other.Labels["process"]);
        Assert.Equal("", other.Labels["tenant"]);
        Assert.Equal((1 << 20) + (4 << 20) + (16 << 20), other.Value);
        var otherSm = writer.Of(ProcessMetrics.SmUtilization.Name).Single(s => s.Labels["pid"] == "").Value;
        Assert.Equal(0.06, otherSm, 9);
        Assert.Equal(3, writer.Of(ProcessMetrics.Overflow.Name).Single().Value);
        Assert.Equal(2, writer.Of(ProcessMetrics.AttributionInfo.Name).Count());
    }

    [Fact]
    public void WriteTo_WithinTheCap_WritesEveryProcessAndNoOverflow()
    {
        var writer = Write(cap: 5);

        Assert.Equal(5, writer.Of(ProcessMetrics.MemoryUsed.Name).Count());
        Assert.DoesNotContain(writer.Of(ProcessMetrics.MemoryUsed.Name), s => s.Labels["process"] == ProcessMetrics.OverflowProcess);
        Assert.Equal(0, writer.Of(ProcessMetrics.Overflow.Name).Single().Value);
    }

    [Fact]
    public void WriteTo_CappedSeries_LeaveTenantTotalsWhole()
    {
        var store = new SnapshotStore(1);
        store.Publish(Snapshots.Host(SharingMode.TimeSliced, [], Processes));
        var writer = new RecordingWriter();

        new TenantMetrics(store).WriteTo(writer);

        var memory = writer.Of(TenantMetrics.MemoryUsed.Name).ToDictionary(s => s.Labels["tenant"], s => s.Value);
        Assert.Equal(16 << 20, memory["c"]); // folded into "other" on the process series, still counted for its tenant
    }

    [Fact]
    public void WriteTo_ProcessSeries_CarryTheAttribution()
    {
        var attribution = new ProcessAttribution("server", "search-0", "search", "search") { ContainerId = "c0ffee", PodUid = "uid-1", Runtime = "containerd", Match = PodMatchKind.PodUid };
        var store = new SnapshotStore(1);
        store.Publish(Snapshots.Host(SharingMode.TimeSliced, [], [Processes[0] with { Attribution = attribution }]));
        var writer = new RecordingWriter();

        new ProcessMetrics(store).WriteTo(writer);

        var info = writer.Of(ProcessMetrics.AttributionInfo.Name).Single().Labels;
        Assert.Equal(("server", "search-0", "search", "search"), (info["container"], info["pod"], info["namespace"], info["tenant"]));
        Assert.Equal(("c0ffee", "uid-1", "containerd", "pod-uid"), (info["container_id"], info["pod_uid"], info["runtime"], info["match"]));
    }

    private static RecordingWriter Write(int cap)
    {
        var store = new SnapshotStore(1);
        store.Publish(Snapshots.Host(SharingMode.TimeSliced, [], Processes));
        var writer = new RecordingWriter();
        new ProcessMetrics(store, new AttributionOptions { MaxProcessSeriesPerGpu = cap }).WriteTo(writer);
        return writer;
    }
}
