namespace GpuQos.Enforcer.Workload;

/// <summary>One read of a workload metrics source: when, and the samples it returned (only the metrics asked for).</summary>
/// <param name="At">When the read completed, on the daemon's clock.</param>
/// <param name="Samples">The samples kept.</param>
public sealed record WorkloadReading(DateTimeOffset At, IReadOnlyList<ExposedSample> Samples);
