using GpuQos.Model.Metrics;

namespace GpuQos.Daemon.Doctor;

/// <summary><c>gpuqos_capability{gpu,feature}</c>: what the start-up checkup found, 1 for what works.</summary>
internal sealed class CapabilityMetrics(DoctorService doctor) : IMetricSource
{
    public static readonly MetricDefinition Capability = new(
        "gpuqos_capability",
        MetricType.Gauge,
        "1 when a feature works on this host as the start-up checkup (gpuqos doctor) found it, 0 when it does not or is only partly there; gpu is empty for host features.",
        ["gpu", "feature"],
        "gpuqos doctor checks at start");

    /// <inheritdoc />
    public IReadOnlyList<MetricDefinition> Metrics { get; } = [Capability];

    /// <inheritdoc />
    public void WriteTo(IMetricWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var check in doctor.Latest?.Checks ?? [])
        {
            var gpu = check.Gpu?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "";
            writer.Write(Capability, check.Status == DoctorStatus.Ok ? 1 : 0, gpu, check.Feature);
        }
    }
}
