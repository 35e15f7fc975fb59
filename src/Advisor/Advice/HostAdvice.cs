namespace GpuQos.Advisor.Advice;

/// <summary>The advice for one host.</summary>
/// <param name="Host">The Prometheus instance, or the daemon's URL.</param>
/// <param name="Source">Where the evidence came from.</param>
/// <param name="Window">The span the evidence covers.</param>
/// <param name="Gpus">Per-GPU advice.</param>
/// <param name="Gaps">Host-wide evidence gaps.</param>
public sealed record HostAdvice(string Host, string Source, TimeSpan Window, IReadOnlyList<GpuAdvice> Gpus, IReadOnlyList<string> Gaps);
