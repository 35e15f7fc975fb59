namespace GpuQos.Advisor.History;

/// <summary>
/// What the advisor reads from the daemon's history, whichever way it was kept: the whole snapshots
/// (<see cref="Readers.SnapshotEvidenceBuilder.Figures"/>) or the per-minute summaries (<see cref="DemandHistory"/>).
/// </summary>
/// <param name="First">The oldest sample's time.</param>
/// <param name="Gpus">Each GPU seen, by index.</param>
public sealed record HistoryFigures(DateTimeOffset First, IReadOnlyDictionary<int, GpuUsageFigures> Gpus);
