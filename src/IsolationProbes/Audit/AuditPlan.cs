namespace GpuQos.IsolationProbes.Audit;

/// <summary>What one audit will run: partitions, victim/aggressor pairs, probes, sizes and settings.</summary>
/// <param name="Backend">Backend that listed the partitions.</param>
/// <param name="Accelerator">"cpu" or "cuda".</param>
/// <param name="Partitions">Every partition probed.</param>
/// <param name="Pairs">Ordered (victim, aggressor) pairs.</param>
/// <param name="Options">The audit configuration.</param>
/// <param name="Sizes">Problem sizes.</param>
/// <param name="Notes">What the reader must know (e.g. no CUDA driver).</param>
public sealed record AuditPlan(
    string Backend,
    string Accelerator,
    IReadOnlyList<AuditPartition> Partitions,
    IReadOnlyList<(AuditPartition Victim, AuditPartition Aggressor)> Pairs,
    AuditOptions Options,
    ProbeSizes Sizes,
    IReadOnlyList<string> Notes)
{
    /// <summary>Probes to run, in a fixed order.</summary>
    public IReadOnlyList<ProbeKind> Probes => [.. Options.Probes.Distinct().Order()];
}
