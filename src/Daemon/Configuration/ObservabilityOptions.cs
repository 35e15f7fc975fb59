using OpenTelemetry.Exporter;

namespace GpuQos.Daemon.Configuration;

/// <summary>
/// Extra exposition paths beside <c>/metrics</c>: OpenTelemetry (OTLP push, and the OpenTelemetry Prometheus
/// exporter on its own path) and dcgm-exporter compatible series. Everything here is off by default.
/// </summary>
public sealed partial class ObservabilityOptions
{
    /// <summary>Default OTLP export interval.</summary>
    public static readonly TimeSpan DefaultOtlpInterval = TimeSpan.FromSeconds(15);

    /// <summary>
    /// OTLP collector endpoint, e.g. <c>http://otel-collector:4317</c> (gRPC) or <c>http://otel-collector:4318/v1/metrics</c>
    /// (HTTP). OTLP export is off when this is not set.
    /// </summary>
    public string? OtlpEndpoint { get; init; }

    /// <summary>OTLP transport: <c>grpc</c> (default) or <c>http-protobuf</c>.</summary>
    public OtlpExportProtocol OtlpProtocol { get; init; } = OtlpExportProtocol.Grpc;

    /// <summary>How often metrics are pushed over OTLP.</summary>
    public TimeSpan OtlpInterval { get; init; } = DefaultOtlpInterval;

    /// <summary>
    /// Path on which the OpenTelemetry Prometheus exporter serves the same catalogue, e.g. <c>/otel/metrics</c>.
    /// Off when not set.
    /// </summary>
    public string? OtelPrometheusPath { get; init; }

    /// <summary>Also expose the main <c>DCGM_FI_DEV_*</c> series with dcgm-exporter's label names (for a migration).</summary>
    public bool DcgmCompat { get; init; }

    /// <summary>The <c>Hostname</c> label of the dcgm-exporter series; the machine name when not set.</summary>
    public string? DcgmHostname { get; init; }

    /// <summary>True when any OpenTelemetry export is configured.</summary>
    public bool OpenTelemetryEnabled => OtlpEndpoint is not null || OtelPrometheusPath is not null;
}
