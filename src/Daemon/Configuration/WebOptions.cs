using System.ComponentModel.DataAnnotations;

namespace GpuQos.Daemon.Configuration;

/// <summary>
/// HTTP security: the bearer token for state-changing endpoints, and TLS and basic auth for <c>/metrics</c>
/// in the shape of Prometheus exporter-toolkit's web configuration (<c>tls_server_config</c>,
/// <c>basic_auth_users</c> with bcrypt hashes), plus the server's request limits.
/// </summary>
public sealed partial class WebOptions
{
    /// <summary>
    /// File holding the bearer token that the state-changing endpoints require (pause/resume enforcement,
    /// revert actions, run an audit). It must be mode 0600; the daemon refuses to start otherwise. Without it
    /// those endpoints are disabled and answer 403.
    /// </summary>
    public string? TokenFile { get; init; }

    /// <summary>Serve HTTPS instead of HTTP when set (every endpoint, since they share one listener).</summary>
    public TlsOptions? Tls { get; init; }

    /// <summary>
    /// Users allowed to scrape <c>/metrics</c>, each with a bcrypt hash of their password (as
    /// <c>htpasswd -nbBC 10 USER PASSWORD</c> prints it). Empty: <c>/metrics</c> needs no credentials.
    /// </summary>
    public Dictionary<string, string> BasicAuthUsers { get; init; } = [];

    /// <summary>Request limits of the HTTP server.</summary>
    [Required]
    public HttpLimitsOptions Limits { get; init; } = new();
}
