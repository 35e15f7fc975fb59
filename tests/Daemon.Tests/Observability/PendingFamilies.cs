namespace GpuQos.Daemon.Tests.Observability;

/// <summary>A family the dashboards use before it lands, with the shape (labels) they assume for it.</summary>
/// <param name="Feature">The feature that will expose it.</param>
/// <param name="Type">Prometheus type, <c>gauge</c> or <c>counter</c>.</param>
/// <param name="Samples">Example samples in the text format, label names as the dashboards and rules expect them.</param>
internal sealed record PendingFamily(string Feature, string Type, params string[] Samples);

/// <summary>
/// Metric families that dashboards and alerts already use but that the demo daemon does not expose yet,
/// because the feature that fills them is still being built. This is the one place that lists them.
/// Panels and rules that name one of them may lack data in <see cref="PrometheusIntegrationTests"/>; every
/// other panel must have data, and <c>PendingFamilies_AreStillAbsent</c> fails as soon as one of them lands,
/// so that it is deleted here and the dashboards are proven against the real series.
/// Until then, <see cref="PendingShapesTests"/> proves the panels against the example samples below, which
/// document the label shapes the dashboards and alerts assume.
/// </summary>
internal static class PendingFamilies
{
    /// <summary>Family name to what will fill it and its assumed shape.</summary>
    public static IReadOnlyDictionary<string, PendingFamily> All { get; } = new Dictionary<string, PendingFamily>(StringComparer.Ordinal)
    {
        // Isolation audit: these exist only once an audit has run, and the demo daemon in the integration test runs
        // none (a CPU audit takes about 40 s here). tests/Daemon.Tests/Audit runs real audits and checks these
        // series; PendingShapesTests proves the audit panels and alerts against this shape.
        ["gpuqos_audit_probe_passed"] = new("audit", "gauge", """gpuqos_audit_probe_passed{probe="compute",gpu="1",victim="search",aggressor="research"} 1"""),
        ["gpuqos_audit_slowdown_ratio"] = new("audit", "gauge", """gpuqos_audit_slowdown_ratio{probe="compute",gpu="1",victim="search",aggressor="research"} 0.74"""),
        ["gpuqos_audit_covert_channel_bits_per_second"] = new("audit", "gauge", """gpuqos_audit_covert_channel_bits_per_second{probe="l2",gpu="0",victim="llm",aggressor="ml-platform"} 0.2"""),
        ["gpuqos_audit_last_run_timestamp_seconds"] = new("audit", "gauge", "gpuqos_audit_last_run_timestamp_seconds 1.7e9"),
        ["gpuqos_audit_duration_seconds"] = new("audit", "gauge", "gpuqos_audit_duration_seconds 184"),
    };

    /// <summary>The example samples of every family as one Prometheus text exposition.</summary>
    public static string Exposition() =>
        string.Concat(All.Select(f => $"# TYPE {f.Key} {f.Value.Type}\n" + string.Concat(f.Value.Samples.Select(s => s + "\n"))));
}
