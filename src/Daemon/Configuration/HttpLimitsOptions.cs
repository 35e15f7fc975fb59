using System.ComponentModel.DataAnnotations;
using GpuQos.Model.Configuration;

namespace GpuQos.Daemon.Configuration;

/// <summary>Request limits of the HTTP server (Kestrel). The defaults and their reasons are in <see cref="WebOptionsDefaults"/>.</summary>
public sealed class HttpLimitsOptions : IValidatableObject
{
    /// <summary>Largest request body.</summary>
    [ByteSize]
    [Range(0L, 16L * 1024 * 1024, ErrorMessage = "maxRequestBodySize must be between 0 and 16MiB")]
    public long MaxRequestBodySize { get; init; } = WebOptionsDefaults.MaxRequestBodySize;

    /// <summary>Most request headers.</summary>
    [Range(8, 1000)]
    public int MaxRequestHeaderCount { get; init; } = WebOptionsDefaults.MaxRequestHeaderCount;

    /// <summary>Largest total size of the request headers.</summary>
    [ByteSize]
    [Range(4096L, 1024L * 1024, ErrorMessage = "maxRequestHeadersTotalSize must be between 4KiB and 1MiB")]
    public long MaxRequestHeadersTotalSize { get; init; } = WebOptionsDefaults.MaxRequestHeadersTotalSize;

    /// <summary>Most open connections.</summary>
    [Range(1L, 100_000L)]
    public long MaxConcurrentConnections { get; init; } = WebOptionsDefaults.MaxConcurrentConnections;

    /// <summary>Most open connections from one source address, on each listener; more are closed at once.</summary>
    [Range(1, 100_000)]
    public int MaxConnectionsPerAddress { get; init; } = WebOptionsDefaults.MaxConnectionsPerAddress;

    /// <summary>Most bcrypt checks running at once; a request beyond them gets 503 without one.</summary>
    [Range(1, 64)]
    public int MaxConcurrentPasswordChecks { get; init; } = WebOptionsDefaults.MaxConcurrentPasswordChecks;

    /// <summary>Failed authentications one source address may make per minute; beyond them it gets 429 without a check.</summary>
    [Range(1, 10_000)]
    public int AuthFailuresPerMinute { get; init; } = WebOptionsDefaults.AuthFailuresPerMinute;

    /// <summary>Time a client has to send the request headers.</summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = WebOptionsDefaults.RequestHeadersTimeout;

    /// <summary>How long an idle keep-alive connection stays open.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = WebOptionsDefaults.KeepAliveTimeout;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RequestHeadersTimeout < TimeSpan.FromSeconds(1) || RequestHeadersTimeout > TimeSpan.FromMinutes(5))
        {
            yield return new ValidationResult("requestHeadersTimeout must be between 1s and 5m", [nameof(RequestHeadersTimeout)]);
        }

        if (KeepAliveTimeout < TimeSpan.FromSeconds(1) || KeepAliveTimeout > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult("keepAliveTimeout must be between 1s and 1h", [nameof(KeepAliveTimeout)]);
        }
    }
}
