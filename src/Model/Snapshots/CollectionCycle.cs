namespace GpuQos.Model.Snapshots;

/// <summary>
/// The collection cycle's lock: held by the collection loop from collecting a snapshot to the last consumer taking it,
/// and by whatever reads the state those consumers keep from another thread while the loop could be writing it. The
/// exposition takes it to write the metric sources when a scrape asks (<c>ExpositionConsumer.Refresh</c>), so the
/// sources see the state between two cycles, never in the middle of one, whichever thread calls them.
/// </summary>
public sealed class CollectionCycle
{
    /// <summary>Held for one cycle, or for one read of the cycle's state from outside the loop.</summary>
    public Lock Lock { get; } = new();
}
