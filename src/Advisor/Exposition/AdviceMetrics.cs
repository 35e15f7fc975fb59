using GpuQos.Model.Devices;
using GpuQos.Model.Metrics;

namespace GpuQos.Advisor.Exposition;

/// <summary>The daemon's advice as series: what each GPU should become, and the figures it rests on.</summary>
public sealed class AdviceMetrics(LiveAdvice advice) : IMetricSource
{
    private const string Source = "advisor over the daemon's in-memory history (gpuqos advise for longer windows)";
    private static readonly IReadOnlyList<string> ByConfiguration = MetricLabels.Gpu.With("configuration");

    public static readonly MetricDefinition Info = new("gpuqos_advice_info", MetricType.Gauge, "The advised configuration of the GPU next to the current one; always 1.", MetricLabels.Gpu.With("current_mode", "recommended_mode", "recommended", "confidence"), Source);
    public static readonly MetricDefinition Change = new("gpuqos_advice_change_recommended", MetricType.Gauge, "1 when the advisor recommends changing the GPU's sharing configuration.", MetricLabels.Gpu, Source);
    public static readonly MetricDefinition SlaRisk = new("gpuqos_advice_sla_risk_ratio", MetricType.Gauge, "Expected fraction of time the worst-off SLA tenant's demand is not met, under the current and the recommended configuration.", ByConfiguration, Source);
    public static readonly MetricDefinition Stranded = new("gpuqos_advice_stranded_capacity_ratio", MetricType.Gauge, "Fraction of the GPU reserved beyond tenants' needs or lost to the mode, under the current and the recommended configuration.", ByConfiguration, Source);
    public static readonly MetricDefinition Isolation = new("gpuqos_advice_isolation_ratio", MetricType.Gauge, "Isolation strength (0 none .. 1 a GPU of one's own) under the current and the recommended configuration.", ByConfiguration, Source);
    public static readonly MetricDefinition Confidence = new("gpuqos_advice_confidence_ratio", MetricType.Gauge, "Confidence in the advice (0..1), lowered by every gap in the evidence.", MetricLabels.Gpu, Source);
    public static readonly MetricDefinition Window = new("gpuqos_advice_evidence_window_seconds", MetricType.Gauge, "Span of history the daemon's advice rests on.", [], Source);

    public IReadOnlyList<MetricDefinition> Metrics { get; } = [Info, Change, SlaRisk, Stranded, Isolation, Confidence, Window];

    /// <summary>Recomputes the advice when it is due (tens of milliseconds on a large host), outside the update lock.</summary>
    public void Prepare() => advice.Current(this);

    public void WriteTo(IMetricWriter writer)
    {
        if (advice.Current(this) is not { } host)
        {
            return;
        }

        writer.Write(Window, host.Window.TotalSeconds);
        foreach (var gpu in host.Gpus)
        {
            if (gpu.Current is not { } current || gpu.Recommended is not { } rec)
            {
                continue;
            }

            var index = gpu.Gpu.ToString(System.Globalization.CultureInfo.InvariantCulture);
            writer.Write(Info, 1, index, gpu.Uuid, gpu.CurrentMode.Label(), rec.Candidate.Mode.Label(), rec.Candidate.Label, gpu.ConfidenceLevel);
            writer.Write(Change, gpu.Change ? 1 : 0, index, gpu.Uuid);
            writer.Write(Confidence, gpu.Confidence, index, gpu.Uuid);
            foreach (var (name, a) in new[] { ("current", current), ("recommended", rec) })
            {
                writer.Write(SlaRisk, a.SlaRisk, index, gpu.Uuid, name);
                writer.Write(Stranded, a.Stranded, index, gpu.Uuid, name);
                writer.Write(Isolation, a.Isolation, index, gpu.Uuid, name);
            }
        }
    }
}
