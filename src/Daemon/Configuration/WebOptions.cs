namespace GpuQos.Daemon.Configuration;

/// <summary>HTTP security: the token for state-changing endpoints, TLS and basic auth for /metrics.</summary>
public sealed class WebOptions
{
}
