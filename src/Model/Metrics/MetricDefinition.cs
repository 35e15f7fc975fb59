namespace GpuQos.Model.Metrics;

/// <summary>Prometheus metric types GpuQos exposes.</summary>
public enum MetricType
{
    Gauge,
    Counter,
}

/// <summary>
/// One metric family in the catalogue. The same definition feeds prometheus-net, the OpenTelemetry
/// exporter and <c>docs/metrics.md</c>, so no definition is written twice.
/// </summary>
/// <param name="Name">Full name, starting with <c>gpuqos_</c>, in base units.</param>
/// <param name="Type">Gauge or counter (counters end in <c>_total</c>).</param>
/// <param name="Help">One-line description.</param>
/// <param name="Labels">Label names, in a fixed order.</param>
/// <param name="Source">Where the value comes from (NVML call, simulator, daemon state).</param>
public sealed record MetricDefinition(string Name, MetricType Type, string Help, IReadOnlyList<string> Labels, string Source)
{
    /// <summary>The unit, derived from the name's suffix as Prometheus conventions spell it.</summary>
    public string Unit => Name switch
    {
        _ when Name.EndsWith("_bytes", StringComparison.Ordinal) || Name.EndsWith("_bytes_total", StringComparison.Ordinal) => "bytes",
        _ when Name.EndsWith("_bytes_per_second", StringComparison.Ordinal) => "bytes/second",
        _ when Name.EndsWith("_byte_seconds_total", StringComparison.Ordinal) => "byte-seconds",
        _ when Name.EndsWith("_seconds", StringComparison.Ordinal) || Name.EndsWith("_seconds_total", StringComparison.Ordinal) => "seconds",
        _ when Name.EndsWith("_ratio", StringComparison.Ordinal) => "ratio (0..1)",
        _ when Name.EndsWith("_hertz", StringComparison.Ordinal) => "hertz",
        _ when Name.EndsWith("_watts", StringComparison.Ordinal) => "watts",
        _ when Name.EndsWith("_joules_total", StringComparison.Ordinal) => "joules",
        _ when Name.EndsWith("_celsius", StringComparison.Ordinal) => "celsius",
        _ when Name.EndsWith("_info", StringComparison.Ordinal) => "info (always 1)",
        _ => "",
    };
}

/// <summary>Receives samples from metric sources.</summary>
public interface IMetricWriter
{
    /// <summary>Writes one sample; <paramref name="labels"/> are in the definition's label order.</summary>
    void Write(MetricDefinition metric, double value, params ReadOnlySpan<string> labels);
}

/// <summary>
/// A group of metric families and the code that fills them from in-memory state. Sources are written at most once
/// per snapshot, when a scrape asks for it (and every cycle for OpenTelemetry), always under the collection cycle's
/// lock (<see cref="Snapshots.CollectionCycle"/>), so never in the middle of a cycle; they never call the backend.
/// A source must not count on being called every cycle: what has to see every snapshot is a snapshot consumer.
/// </summary>
public interface IMetricSource
{
    /// <summary>The families this source writes.</summary>
    IReadOnlyList<MetricDefinition> Metrics { get; }

    /// <summary>Writes the current samples.</summary>
    void WriteTo(IMetricWriter writer);

    /// <summary>
    /// Called before the sources are written (<see cref="WriteTo"/>), outside the exporter's render lock, so
    /// that a slow computation (the advice) holds back no render of the previous snapshot. What it computes,
    /// <see cref="WriteTo"/> then only reads. Does nothing by default.
    /// </summary>
    void Prepare()
    {
    }
}

/// <summary>Label sets shared across sources, so the same entity is labelled the same everywhere.</summary>
public static class MetricLabels
{
    public static IReadOnlyList<string> Gpu { get; } = ["gpu", "uuid"];

    public static IReadOnlyList<string> Partition { get; } = ["gpu", "uuid", "partition", "partition_kind", "profile", "tenant"];

    public static IReadOnlyList<string> Process { get; } =
        ["gpu", "uuid", "partition", "partition_kind", "profile", "pid", "process", "container", "pod", "namespace", "tenant"];

    public static IReadOnlyList<string> Tenant { get; } = ["gpu", "uuid", "tenant"];

    /// <summary>Appends extra label names to a shared set.</summary>
    public static IReadOnlyList<string> With(this IReadOnlyList<string> labels, params string[] extra) => [.. labels, .. extra];
}
