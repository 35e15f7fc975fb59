namespace GpuQos.Daemon.Reports;

/// <summary>One usage counter series as the report's queries sum it: host, GPU, tenant and GPU model.</summary>
/// <param name="Instance">The host (Prometheus's <c>instance</c>).</param>
/// <param name="Uuid">The GPU.</param>
/// <param name="Tenant">The tenant.</param>
/// <param name="Model">The GPU model (<c>gpu_model</c>), for rows and prices per model.</param>
public readonly record struct UsageSeries(string Instance, string Uuid, string Tenant, string Model)
{
    /// <summary>The series a sample's labels name; the label strings are the client's shared ones, not copies.</summary>
    public static UsageSeries Of(IReadOnlyDictionary<string, string> labels) =>
        new(Label(labels, "instance"), Label(labels, "uuid"), Label(labels, "tenant"), Label(labels, "gpu_model"));

    /// <summary>A label's value, or empty where the sample has none.</summary>
    public static string Label(IReadOnlyDictionary<string, string> labels, string name) => labels.TryGetValue(name, out var value) ? value : "";
}
