namespace GpuQos.IsolationProbes.Audit;

/// <summary>
/// A whole audit: what ran where, and every probe result. Serialized as <c>report.json</c>; the schema is
/// <see cref="Schema"/>, documented in docs/probes.md.
/// </summary>
public sealed record AuditReport
{
    /// <summary>Schema identifier and version of this document.</summary>
    public const string Schema = "gpuqos.audit/v1";

    /// <summary>Always <see cref="Schema"/>.</summary>
    public string SchemaVersion { get; init; } = Schema;

    /// <summary>When the audit started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>How long it took.</summary>
    public required double DurationSeconds { get; init; }

    /// <summary>Host name.</summary>
    public required string Host { get; init; }

    /// <summary>Backend that listed the partitions (<c>sim</c>, <c>nvml</c>).</summary>
    public required string Backend { get; init; }

    /// <summary>Accelerator the workers ran on (<c>cpu</c>, <c>cuda</c>).</summary>
    public required string Accelerator { get; init; }

    /// <summary>Notes a reader must see: e.g. libcuda is missing so only the CPU ran.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Warm-up and timed runs per condition.</summary>
    public required int Warmup { get; init; }

    /// <summary>Timed runs per condition.</summary>
    public required int Repetitions { get; init; }

    /// <summary>The partitions probed.</summary>
    public required IReadOnlyList<AuditPartition> Partitions { get; init; }

    /// <summary>Every result.</summary>
    public required IReadOnlyList<ProbeResult> Results { get; init; }

    /// <summary><c>passed</c>, <c>violated</c> or <c>error</c>: the audit's exit status in words.</summary>
    public string Outcome => Results.Any(r => r.Verdict == ProbeVerdicts.Failed) ? "violated"
        : Results.Any(r => r.Verdict == ProbeVerdicts.Error) || Results.Count == 0 ? "error"
        : "passed";
}
