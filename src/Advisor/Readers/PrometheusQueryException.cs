namespace GpuQos.Advisor.Readers;

/// <summary>Prometheus answered, but not with what was asked.</summary>
public sealed class PrometheusQueryException(string message) : Exception(message);
