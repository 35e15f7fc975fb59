using GpuQos.IsolationProbes.Scheduling;
using GpuQos.Model.Metrics;

namespace GpuQos.IsolationProbes.Exposition;

/// <summary>The latest isolation audit's results as metrics; written per collection cycle from the kept report.</summary>
public sealed class AuditMetrics(AuditRunner runner) : IMetricSource
{
    private static readonly string[] PairLabels = ["probe", "gpu", "victim", "aggressor"];

    public static readonly MetricDefinition ProbePassed = new("gpuqos_audit_probe_passed", MetricType.Gauge,
        "1 when the probe passed (or only reported) in the latest audit, 0 when isolation was violated or the probe failed to run.", PairLabels, "isolation audit");

    public static readonly MetricDefinition Slowdown = new("gpuqos_audit_slowdown_ratio", MetricType.Gauge,
        "Median victim time beside the aggressor divided by alone (1 = no interference), latest audit.", PairLabels, "isolation audit");

    public static readonly MetricDefinition CovertChannel = new("gpuqos_audit_covert_channel_bits_per_second", MetricType.Gauge,
        "Capacity of the covert channel the probe decoded (raw rate x (1 - H(BER))), latest audit.", ["gpu", "victim", "aggressor"], "isolation audit");

    public static readonly MetricDefinition LastRun = new("gpuqos_audit_last_run_timestamp_seconds", MetricType.Gauge,
        "Unix time the latest audit started.", [], "isolation audit");

    public static readonly MetricDefinition Duration = new("gpuqos_audit_duration_seconds", MetricType.Gauge,
        "How long the latest audit took.", [], "isolation audit");

    public IReadOnlyList<MetricDefinition> Metrics { get; } = [ProbePassed, Slowdown, CovertChannel, LastRun, Duration];

    public void WriteTo(IMetricWriter writer)
    {
        if (runner.Latest is not { } report)
        {
            return;
        }

        foreach (var r in report.Results)
        {
            writer.Write(ProbePassed, r.Passed ? 1 : 0, r.Probe, r.Gpu, r.Victim, r.Aggressor);
            if (r.Slowdown is { } s && double.IsFinite(s))
            {
                writer.Write(Slowdown, s, r.Probe, r.Gpu, r.Victim, r.Aggressor);
            }

            if (r.Values.TryGetValue("capacity_bits_per_second", out var bps))
            {
                writer.Write(CovertChannel, bps, r.Gpu, r.Victim, r.Aggressor);
            }
        }

        writer.Write(LastRun, report.StartedAt.ToUnixTimeMilliseconds() / 1000.0);
        writer.Write(Duration, report.DurationSeconds);
    }
}
