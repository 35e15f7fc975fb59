namespace GpuQos.Advisor.Evidence;

/// <summary>The latest isolation audit of one GPU, measured in its current sharing mode.</summary>
/// <param name="SlowdownRatio">Worst victim slowdown beside an aggressor, as a ratio over running alone minus one (0.74 = 74% slower); null if not measured.</param>
/// <param name="ProbesPassed">Whether every probe passed; null if unknown.</param>
/// <param name="CovertChannelBitsPerSecond">Highest covert-channel bandwidth measured; null if not measured.</param>
public sealed record AuditEvidence(double? SlowdownRatio, bool? ProbesPassed, double? CovertChannelBitsPerSecond);
