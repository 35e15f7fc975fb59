using GpuQos.Advisor.Candidates;
using GpuQos.Advisor.Evidence;
using GpuQos.Advisor.Scoring;
using GpuQos.Model.Devices;

namespace GpuQos.Advisor.Advice;

/// <summary>The advice for one GPU: where it is, where it should go, the figures that say so, and how sure.</summary>
/// <param name="Gpu">NVML index.</param>
/// <param name="Uuid">GPU UUID.</param>
/// <param name="Model">Model key (or the product name when unknown).</param>
/// <param name="CurrentMode">The sharing mode now.</param>
/// <param name="Current">The current configuration, scored; null when the GPU could not be assessed.</param>
/// <param name="Recommended">The recommended configuration (the current one when no change is worth it).</param>
/// <param name="Change">Whether a change is advised.</param>
/// <param name="Alternatives">The next best candidates, best first.</param>
/// <param name="Rejected">Candidates that cannot work, with the reason.</param>
/// <param name="Confidence">0..1: lowered by every gap in the evidence.</param>
/// <param name="Gaps">Evidence that was missing or weak, in words.</param>
/// <param name="Effect">The expected effect, e.g. "SLA breaches/day 14 → ~0; stranded capacity 0% → 27%".</param>
/// <param name="Error">Why the GPU could not be assessed, when it could not.</param>
/// <param name="Evidence">The evidence the advice rests on, after estimates for unmeasurable demand were filled in.</param>
public sealed record GpuAdvice(
    int Gpu,
    string Uuid,
    string Model,
    SharingMode CurrentMode,
    Assessment? Current,
    Assessment? Recommended,
    bool Change,
    IReadOnlyList<Assessment> Alternatives,
    IReadOnlyList<RejectedCandidate> Rejected,
    double Confidence,
    IReadOnlyList<string> Gaps,
    string Effect,
    string? Error = null,
    GpuEvidence? Evidence = null)
{
    /// <summary>high (≥ 0.75), medium (≥ 0.5) or low.</summary>
    public string ConfidenceLevel => Confidence >= 0.75 ? "high" : Confidence >= 0.5 ? "medium" : "low";
}
