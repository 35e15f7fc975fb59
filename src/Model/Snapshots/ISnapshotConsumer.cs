namespace GpuQos.Model.Snapshots;

/// <summary>
/// One stage that receives each published snapshot, on the collection thread, in the order the daemon
/// registers the stages (usage ledger, exposition, OpenTelemetry, tenant catalogue, enforcement, the advisor's history). Each is timed and isolated:
/// one that throws is counted and logged, and the stages after it still run. A stage whose work can block
/// (fsync, signals, NVML control calls) hands the snapshot to its own thread instead of doing the work here.
/// </summary>
public interface ISnapshotConsumer
{
    /// <summary>The stage's name: the <c>consumer</c> label of its duration and error series.</summary>
    string Name { get; }

    /// <summary>Takes the snapshot just published (already <see cref="SnapshotStore.Latest"/>).</summary>
    void Consume(HostSnapshot snapshot);
}
