using GpuQos.Model.Snapshots;

namespace GpuQos.Enforcer.Engine;

/// <summary>A snapshot for the enforcement loop, with the history before it (oldest first, ending with it).</summary>
public sealed record EvaluationRequest(HostSnapshot Snapshot, IReadOnlyList<HostSnapshot> History);
