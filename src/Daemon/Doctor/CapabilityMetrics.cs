using GpuQos.Collectors.Exposition;

namespace GpuQos.Daemon.Doctor;

/// <summary><c>gpuqos_capability{gpu,uuid,feature}</c>: what the start-up checkup found, 1 for what works.</summary>
internal sealed class CapabilityMetrics(DoctorService doctor) : IMetricSource
{
    public static readonly MetricDefinition Capability = new(
        "gpuqos_capability",
        MetricType.Gauge,
        "1 when a feature works on this host as the start-up checkup (gpuqos doctor) found it, 0 when it does not or is only partly there; gpu and uuid are empty for host features.",
        ["gpu", "uuid", "feature"],
        "gpuqos doctor checks at start");

    /// <inheritdoc />
    public IReadOnlyList<MetricDefinition> Metrics { get; } = [Capability];

    /// <inheritdoc />
    public void WriteTo(IMetricWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (doctor.Latest is not { } report)
        {
            return;
        }

        // Every GPU series carries gpu and uuid (DESIGN.md), so that a GPU is known across index changes.
        var uuids = report.Gpus.ToDictionary(g => g.Index, g => g.Uuid);
        foreach (var check in report.Checks)
        {
            var gpu = check.Gpu?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "";
            var uuid = check.Gpu is { } index ? uuids.GetValueOrDefault(index, "") : "";
            writer.Write(Capability, check.Status == DoctorStatus.Ok ? 1 : 0, gpu, uuid, check.Feature);
        }
    }
}
