using GpuQos.Model.Devices;

namespace GpuQos.Advisor.Candidates;

/// <summary>A candidate that cannot work on this GPU, and why in words an operator can check.</summary>
public sealed record RejectedCandidate(SharingMode Mode, string Label, string Reason);
