namespace GpuQos.Daemon.Configuration;

/// <summary>
/// What a request to any path but the health probes must carry (<c>web.readAuth</c>). The bearer token is
/// accepted under <see cref="Basic"/> too, because it is the stronger secret and the control endpoints need it.
/// </summary>
public enum ReadAuth
{
    /// <summary>Nothing: every path is open to whoever can reach the port (protect it with the network).</summary>
    None,

    /// <summary>Basic auth against <c>web.basicAuthUsers</c>, or the bearer token.</summary>
    Basic,

    /// <summary>The bearer token of <c>web.tokenFile</c> only.</summary>
    Token,
}
