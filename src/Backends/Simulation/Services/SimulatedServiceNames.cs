using System.Net;

namespace GpuQos.Backends.Simulation.Services;

/// <summary>
/// How a simulated service is named in a <c>scrape:</c> URL: <c>http://NAME.sim.localhost/metrics</c>, NAME being the
/// workload's name. Its port is only known once it is bound (0 takes any free one), so the daemon resolves the name
/// to the bound address when it connects, as DNS would. Names under <c>.localhost</c> are loopback by RFC 6761, so the
/// URL never reaches another host.
/// </summary>
public static class SimulatedServiceNames
{
    /// <summary>The suffix of every simulated service's host name.</summary>
    public const string Suffix = ".sim.localhost";

    /// <summary>The metrics URL of the service <paramref name="name"/>.</summary>
    public static Uri MetricsUrl(string name) => new($"http://{name}{Suffix}/metrics");

    /// <summary>The service name in <paramref name="host"/>, or null when it is not a simulated service's host name.</summary>
    public static string? NameOf(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase) && host.Length > Suffix.Length
            ? host[..^Suffix.Length].ToLowerInvariant()
            : null;
    }

    /// <summary>Whether <paramref name="name"/> can be a host name label (letters, digits and '-', at most 63).</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 63
        && name[0] != '-' && name[^1] != '-'
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    /// <summary>A resolver that gives <paramref name="endpoints"/>' address for a simulated service's host, or null.</summary>
    public static Func<string, IPEndPoint?> Resolver(IReadOnlyDictionary<string, IPEndPoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return host => NameOf(host) is { } name && endpoints.TryGetValue(name, out var address) ? address : null;
    }
}
