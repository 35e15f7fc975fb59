using GpuQos.Advisor.Evidence;

namespace GpuQos.Advisor.History;

/// <summary>What the history says about one GPU's use.</summary>
/// <param name="Attributed">Whether any tenant was known on it; when not, <paramref name="Workloads"/> are its processes and partitions.</param>
/// <param name="Workloads">Its tenants (or workloads), by name.</param>
/// <param name="Device">The whole GPU's SM utilization.</param>
public sealed record GpuUsageFigures(bool Attributed, IReadOnlyList<UsageFigures> Workloads, DemandStats? Device);
