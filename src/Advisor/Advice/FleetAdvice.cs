namespace GpuQos.Advisor.Advice;

/// <summary>The advice for every host, and the fleet summary.</summary>
public sealed record FleetAdvice(IReadOnlyList<HostAdvice> Hosts, FleetSummary Summary);
