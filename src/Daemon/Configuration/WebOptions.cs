using System.ComponentModel.DataAnnotations;

namespace GpuQos.Daemon.Configuration;

/// <summary>
/// HTTP security: the bearer token for state-changing endpoints, TLS and authentication of every other path
/// but the health probes in the shape of Prometheus exporter-toolkit's web configuration
/// (<c>tls_server_config</c>, <c>basic_auth_users</c> with bcrypt hashes), the loopback health listener, and
/// the server's connection and request limits.
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
    /// Users allowed to read <c>/metrics</c>, <c>/api/*</c> and <c>/otel/*</c>, each with a bcrypt hash of their
    /// password (as <c>htpasswd -nbBC 10 USER PASSWORD</c> prints it).
    /// </summary>
    public Dictionary<string, string> BasicAuthUsers { get; init; } = [];

    /// <summary>
    /// What every path but <c>/healthz</c> and <c>/readyz</c> requires: <c>none</c>, <c>basic</c> (a user of
    /// <see cref="BasicAuthUsers"/>, or the bearer token) or <c>token</c> (the bearer token only). Default:
    /// <c>basic</c> when users are configured, else <c>none</c>.
    /// </summary>
    public ReadAuth? ReadAuth { get; init; }

    /// <summary>
    /// A second, plain-HTTP listener (e.g. <c>127.0.0.1:9451</c>) that serves only <c>/healthz</c> and
    /// <c>/readyz</c>, with its own connection slots, so that a flood of the main port cannot fail the probes
    /// of systemd or the kubelet. Off when absent.
    /// </summary>
    public string? HealthListen { get; init; }

    /// <summary>The effective <see cref="ReadAuth"/>.</summary>
    public ReadAuth EffectiveReadAuth => ReadAuth ?? (BasicAuthUsers.Count > 0 ? Configuration.ReadAuth.Basic : Configuration.ReadAuth.None);

    /// <summary>Request limits of the HTTP server.</summary>
    [Required]
    public HttpLimitsOptions Limits { get; init; } = new();
}
