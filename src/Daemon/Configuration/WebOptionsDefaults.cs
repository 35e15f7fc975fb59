using System.Text.RegularExpressions;

namespace GpuQos.Daemon.Configuration;

/// <summary>Defaults of <see cref="WebOptions"/> and <see cref="HttpLimitsOptions"/>, with the reasons for them.</summary>
public static partial class WebOptionsDefaults
{
    /// <summary>64 KiB: the control endpoints take no body and Prometheus sends none; anything larger is abuse.</summary>
    public const long MaxRequestBodySize = 64 * 1024;

    /// <summary>64 headers: a scraper sends fewer than ten.</summary>
    public const int MaxRequestHeaderCount = 64;

    /// <summary>32 KiB of request headers in all (Kestrel's default), enough for a bearer token and basic auth.</summary>
    public const int MaxRequestHeadersTotalSize = 32 * 1024;

    /// <summary>100 connections: a handful of scrapers and operators; more is a flood the daemon should not feed.</summary>
    public const long MaxConcurrentConnections = 100;

    /// <summary>
    /// 16 connections from one address: a scraper or an operator uses one or two, so one client can hold at most
    /// a sixth of <see cref="MaxConcurrentConnections"/> and never starve the others.
    /// </summary>
    public const int MaxConnectionsPerAddress = 16;

    /// <summary>
    /// Two bcrypt checks at once: each costs tens of ms of CPU against the pod's 500m limit, and a cached success
    /// needs none, so more than two at once is a guessing attack, not scrapers.
    /// </summary>
    public const int MaxConcurrentPasswordChecks = 2;

    /// <summary>10 failed authentications per address and minute: a misconfigured scraper shows up, a guesser gets nowhere.</summary>
    public const int AuthFailuresPerMinute = 10;

    /// <summary>10 s to send the headers: stops slow-loris clients holding connections open.</summary>
    public static readonly TimeSpan RequestHeadersTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// 10 s keep-alive: an idle connection is closed soon, so idle clients cannot hold the connection slots for
    /// long; a scraper that scrapes less often opens a new connection per scrape, which costs one handshake.
    /// </summary>
    public static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Shortest bearer token accepted: 16 bytes is 128 bits when generated with <c>openssl rand -hex 32</c>.</summary>
    public const int MinimumTokenLength = 16;

    /// <summary>True for a bcrypt hash as htpasswd and exporter-toolkit write it.</summary>
    public static bool IsBcryptHash(string? text) => text is not null && Bcrypt().IsMatch(text);

    [GeneratedRegex(@"^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$")]
    private static partial Regex Bcrypt();
}
