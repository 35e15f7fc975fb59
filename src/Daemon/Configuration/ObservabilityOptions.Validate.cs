using System.ComponentModel.DataAnnotations;

namespace GpuQos.Daemon.Configuration;

public sealed partial class ObservabilityOptions : IValidatableObject
{
    // Paths the daemon serves itself; the OpenTelemetry exporter must not shadow them.
    private static readonly string[] ReservedPaths = ["/metrics", "/healthz", "/readyz", "/api"];

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (OtlpEndpoint is { } endpoint
            && (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult($"otlpEndpoint '{endpoint}' must be an absolute http:// or https:// URL", [nameof(OtlpEndpoint)]);
        }

        if (OtlpInterval < TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult("otlpInterval must be at least 1s", [nameof(OtlpInterval)]);
        }

        if (OtelPrometheusPath is { } path)
        {
            if (!path.StartsWith('/') || path.Length < 2 || path.Contains('?', StringComparison.Ordinal))
            {
                yield return new ValidationResult($"otelPrometheusPath '{path}' must be a path such as /otel/metrics", [nameof(OtelPrometheusPath)]);
            }
            else if (ReservedPaths.Any(r => path.Equals(r, StringComparison.OrdinalIgnoreCase) || path.StartsWith(r + "/", StringComparison.OrdinalIgnoreCase)))
            {
                yield return new ValidationResult($"otelPrometheusPath '{path}' is already served by the daemon; use e.g. /otel/metrics", [nameof(OtelPrometheusPath)]);
            }
        }

        if (DcgmHostname is { Length: 0 })
        {
            yield return new ValidationResult("dcgmHostname must not be empty; leave it out to use the machine name", [nameof(DcgmHostname)]);
        }
    }
}
