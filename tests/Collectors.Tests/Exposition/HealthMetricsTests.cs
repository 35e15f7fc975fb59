using GpuQos.Collectors.Exposition;
using GpuQos.Collectors.Tests.Attribution;
using GpuQos.Model.Devices;
using GpuQos.Model.Snapshots;

namespace GpuQos.Collectors.Tests.Exposition;

public sealed class HealthMetricsTests
{
    [Fact]
    public void Xid_CountsByCode_OneSeriesPerCodeWithItsXidLabel()
    {
        // Application faults (13, 31, 43) and a hardware one on the same GPU: alerts tell them apart by the label.
        var host = Snapshots.Host(SharingMode.TimeSliced, [], []);
        var gpu = host.Gpus[0] with { Health = new HealthReading { XidErrorsTotal = 4, LastXid = 79, XidErrorsByCode = new Dictionary<int, long> { [13] = 3, [79] = 1 } } };
        var store = new SnapshotStore(1);
        store.Publish(host with { Gpus = [gpu] });
        var writer = new RecordingWriter();

        new HealthMetrics(store).WriteTo(writer);

        var xids = writer.Of("gpuqos_gpu_xid_errors_total").Select(s => (s.Labels["gpu"], s.Labels["xid"], s.Value)).OrderBy(s => s.Item2, StringComparer.Ordinal);
        Assert.Equal([("0", "13", 3.0), ("0", "79", 1.0)], xids);
    }

    [Fact]
    public void Xid_NoneRaised_NoSeries()
    {
        var store = new SnapshotStore(1);
        var host = Snapshots.Host(SharingMode.TimeSliced, [], []);
        store.Publish(host with { Gpus = [host.Gpus[0] with { Health = new HealthReading() }] });
        var writer = new RecordingWriter();

        new HealthMetrics(store).WriteTo(writer);

        Assert.Empty(writer.Of("gpuqos_gpu_xid_errors_total"));
    }
}
