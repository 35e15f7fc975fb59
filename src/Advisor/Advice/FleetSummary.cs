namespace GpuQos.Advisor.Advice;

/// <summary>What the advice adds up to across hosts.</summary>
/// <param name="Hosts">Hosts analysed.</param>
/// <param name="Gpus">GPUs analysed.</param>
/// <param name="ChangesAdvised">GPUs whose configuration should change.</param>
/// <param name="Freeable">GPUs whose tenants would fit on the host's other shared GPUs, so the GPU could be freed, with the reason.</param>
/// <param name="InsufficientIsolation">GPUs whose SLA tenants stay exposed: even the recommendation isolates them weakly, or an audit failed.</param>
public sealed record FleetSummary(int Hosts, int Gpus, int ChangesAdvised, IReadOnlyList<string> Freeable, IReadOnlyList<string> InsufficientIsolation);
