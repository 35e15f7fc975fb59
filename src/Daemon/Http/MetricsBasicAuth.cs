using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using GpuQos.Daemon.Configuration;

namespace GpuQos.Daemon.Http;

/// <summary>
/// Basic auth for <c>/metrics</c> against bcrypt hashes, as exporter-toolkit's <c>basic_auth_users</c> does.
/// bcrypt is slow on purpose (tens of ms), so a successful check is remembered by a SHA-256 of the credentials,
/// like exporter-toolkit's cache; a scrape every few seconds then costs a hash lookup, not a bcrypt round.
/// </summary>
public sealed partial class MetricsBasicAuth(IReadOnlyDictionary<string, string> users, ILogger<MetricsBasicAuth> logger)
{
    // Verified against when the user is unknown, so that an unknown user takes as long as a wrong password.
    private static readonly Lazy<string> DummyHash = new(() => BCrypt.Net.BCrypt.HashPassword(Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), 10));
    private const int CacheLimit = 64;
    private readonly ConcurrentDictionary<string, bool> _verified = new(StringComparer.Ordinal);

    /// <summary>True when credentials are required.</summary>
    public bool Enabled => users.Count > 0;

    /// <summary>Middleware body: answers 401 with a challenge unless the request carries a known user and password.</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (Check(context.Request.Headers.Authorization))
        {
            await next(context);
            return;
        }

        LogRejected(context.Connection.RemoteIpAddress);
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"gpuqos\", charset=\"UTF-8\"";
        await context.Response.WriteAsync("Unauthorized\n");
    }

    /// <summary>True when <paramref name="authorization"/> is <c>Basic base64(user:password)</c> for a configured user.</summary>
    public bool Check(string? authorization)
    {
        if (!AuthenticationHeaderValue.TryParse(authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        var (user, password) = (decoded[..colon], decoded[(colon + 1)..]);
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(decoded)));
        if (_verified.ContainsKey(key))
        {
            return true;
        }

        var known = users.TryGetValue(user, out var hash);
        var ok = BCrypt.Net.BCrypt.Verify(password, known ? hash : DummyHash.Value) && known;
        if (ok)
        {
            if (_verified.Count >= CacheLimit)
            {
                _verified.Clear();
            }

            _verified[key] = true;
        }

        return ok;
    }

    /// <summary>Adds the middleware in front of <c>/metrics</c> when users are configured.</summary>
    public static void Use(WebApplication app, WebOptions web)
    {
        if (web.BasicAuthUsers.Count == 0)
        {
            return;
        }

        var auth = new MetricsBasicAuth(web.BasicAuthUsers, app.Services.GetRequiredService<ILogger<MetricsBasicAuth>>());
        if (web.Tls is null)
        {
            // Allowed, for a TLS-terminating proxy in front, but say that passwords otherwise cross the wire in clear.
            auth.LogNoTls();
        }

        app.UseWhen(c => c.Request.Path.StartsWithSegments("/metrics"), branch => branch.Use(auth.InvokeAsync));
    }

    [LoggerMessage(EventId = 8110, Level = LogLevel.Warning, Message = "Rejected /metrics from {Remote}: missing or wrong basic-auth credentials")]
    private partial void LogRejected(System.Net.IPAddress? remote);

    [LoggerMessage(EventId = 8111, Level = LogLevel.Warning, Message = "Basic auth is on without web.tls: passwords cross the network in clear unless a TLS proxy sits in front")]
    private partial void LogNoTls();
}
