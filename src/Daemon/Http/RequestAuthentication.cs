using System.Net.Http.Headers;
using System.Text;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Hosting;

namespace GpuQos.Daemon.Http;

/// <summary>
/// Authenticates every request but the health probes (<c>/healthz</c>, <c>/readyz</c>): <c>/metrics</c>,
/// <c>/api/*</c>, <c>/otel/*</c> and whatever is added later, so that nothing is open by omission. Under
/// <see cref="ReadAuth.Basic"/> a configured user or the bearer token is accepted, under
/// <see cref="ReadAuth.Token"/> the token only. Failures are counted per source address and, past the limit,
/// answered 429 without a check; when every bcrypt slot is busy the answer is 503 at once.
/// </summary>
public sealed partial class RequestAuthentication(
    ReadAuth mode, PasswordCheck? passwords, BearerToken token, AuthFailureLimiter failures, ILogger<RequestAuthentication> logger)
{
    /// <summary>True for the paths that stay open so that kubelet and systemd checks need no credentials.</summary>
    public static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/healthz", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/readyz", StringComparison.OrdinalIgnoreCase);

    /// <summary>Middleware body.</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (IsProbe(context.Request.Path))
        {
            await next(context);
            return;
        }

        var remote = context.Connection.RemoteIpAddress;
        if (failures.IsLimited(remote))
        {
            LogLimited(context.Request.Path, remote);
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "60";
            await context.Response.WriteAsync("Too many failed authentications from this address; try again in a minute\n");
            return;
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        var verdict = token.Accepts(authorization) ? PasswordVerdict.Accepted
            : mode == ReadAuth.Basic && passwords is not null ? CheckBasic(authorization, passwords)
            : PasswordVerdict.Rejected;
        switch (verdict)
        {
            case PasswordVerdict.Accepted:
                await next(context);
                return;
            case PasswordVerdict.Busy:
                LogBusy(context.Request.Path, remote);
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = "1";
                await context.Response.WriteAsync("Too many password checks at once; try again\n");
                return;
            default:
                failures.RecordFailure(remote);
                LogRejected(context.Request.Path, remote);
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = mode == ReadAuth.Basic ? "Basic realm=\"gpuqos\", charset=\"UTF-8\"" : "Bearer realm=\"gpuqos\"";
                await context.Response.WriteAsync("Unauthorized\n");
                return;
        }
    }

    /// <summary>Puts the authentication in front of every endpoint, unless <c>web.readAuth</c> is <c>none</c>.</summary>
    public static void Use(WebApplication app, WebOptions web)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(web);
        var mode = web.EffectiveReadAuth;
        if (mode == ReadAuth.None)
        {
            return;
        }

        var passwords = mode == ReadAuth.Basic ? new PasswordCheck(web.BasicAuthUsers, web.Limits.MaxConcurrentPasswordChecks) : null;
        var auth = new RequestAuthentication(
            mode,
            passwords,
            app.Services.GetRequiredService<BearerToken>(),
            new AuthFailureLimiter(web.Limits.AuthFailuresPerMinute, app.Services.GetRequiredService<TimeProvider>()),
            app.Services.GetRequiredService<ILogger<RequestAuthentication>>());
        if (web.Tls is null && mode == ReadAuth.Basic)
        {
            // Allowed, for a TLS-terminating proxy in front, but say that passwords otherwise cross the wire in clear.
            auth.LogNoTls();
        }

        app.Use(auth.InvokeAsync);
    }

    private static PasswordVerdict CheckBasic(string authorization, PasswordCheck passwords)
    {
        if (!AuthenticationHeaderValue.TryParse(authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
        {
            return PasswordVerdict.Rejected;
        }

        try
        {
            return passwords.Check(Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter)));
        }
        catch (FormatException)
        {
            return PasswordVerdict.Rejected;
        }
    }

    [LoggerMessage(EventId = 8110, Level = LogLevel.Warning, Message = "Rejected {Path} from {Remote}: missing or wrong credentials")]
    private partial void LogRejected(PathString path, System.Net.IPAddress? remote);

    [LoggerMessage(EventId = 8111, Level = LogLevel.Warning, Message = "Basic auth is on without web.tls: passwords cross the network in clear unless a TLS proxy sits in front")]
    private partial void LogNoTls();

    [LoggerMessage(EventId = 8112, Level = LogLevel.Warning, Message = "Refused {Path} from {Remote} without a check: too many failed authentications from it in the last minute")]
    private partial void LogLimited(PathString path, System.Net.IPAddress? remote);

    [LoggerMessage(EventId = 8113, Level = LogLevel.Warning, Message = "Refused {Path} from {Remote} with 503: every password-check slot was busy")]
    private partial void LogBusy(PathString path, System.Net.IPAddress? remote);
}
