namespace GpuQos.Daemon.Configuration;

/// <summary>Extra exposition paths: OpenTelemetry (OTLP, Prometheus exporter) and dcgm-exporter compatible series.</summary>
public sealed class ObservabilityOptions
{
}
