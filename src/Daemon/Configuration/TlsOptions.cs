using System.ComponentModel.DataAnnotations;

namespace GpuQos.Daemon.Configuration;

/// <summary>TLS for the HTTP server, like exporter-toolkit's <c>tls_server_config</c>.</summary>
public sealed class TlsOptions : IValidatableObject
{
    /// <summary>PEM certificate (chain) file.</summary>
    [Required]
    public string CertFile { get; init; } = "";

    /// <summary>PEM private key file; must not be readable by group or others.</summary>
    [Required]
    public string KeyFile { get; init; } = "";

    /// <summary>Lowest protocol version accepted: <c>TLS12</c> (default) or <c>TLS13</c>.</summary>
    public TlsVersion MinVersion { get; init; } = TlsVersion.Tls12;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (CertFile.Length > 0 && !Path.IsPathRooted(CertFile))
        {
            yield return new ValidationResult($"'{CertFile}' must be an absolute path", [nameof(CertFile)]);
        }

        if (KeyFile.Length > 0 && !Path.IsPathRooted(KeyFile))
        {
            yield return new ValidationResult($"'{KeyFile}' must be an absolute path", [nameof(KeyFile)]);
        }
    }
}

/// <summary>TLS protocol versions the server may be limited to.</summary>
public enum TlsVersion
{
    /// <summary>TLS 1.2 and 1.3.</summary>
    Tls12,

    /// <summary>TLS 1.3 only.</summary>
    Tls13,
}
