namespace GpuQos.Advisor.Evidence;

/// <summary>
/// Everything the advisor knows about one host, and what it does not. Readers fill it from a running daemon
/// or from Prometheus; the advisor never reads anything else, so tests can feed it synthetic histories.
/// </summary>
/// <param name="Host">The host: the Prometheus <c>instance</c>, or the daemon's URL.</param>
/// <param name="Source">Where the evidence came from (<c>daemon</c> or <c>prometheus</c>).</param>
/// <param name="Window">The span the demand figures cover.</param>
/// <param name="Gpus">The host's GPUs.</param>
/// <param name="Gaps">Evidence that was looked for and not found, in words; each lowers confidence and is printed.</param>
public sealed record AdvisorEvidence(string Host, string Source, TimeSpan Window, IReadOnlyList<GpuEvidence> Gpus, IReadOnlyList<string> Gaps);
