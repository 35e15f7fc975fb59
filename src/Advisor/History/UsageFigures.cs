using GpuQos.Advisor.Evidence;

namespace GpuQos.Advisor.History;

/// <summary>One workload's use of one GPU over the history: a tenant, or a process or partition where no tenant is known.</summary>
/// <param name="Name">The tenant, or the workload's name.</param>
/// <param name="Demand">Its SM-share demand; null where no share was known.</param>
/// <param name="MaxMemory">The most device memory it held.</param>
public sealed record UsageFigures(string Name, DemandStats? Demand, long MaxMemory);
