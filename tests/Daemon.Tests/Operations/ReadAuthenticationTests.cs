using System.Net;
using System.Net.Http.Headers;
using System.Text;
using GpuQos.Daemon.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Daemon.Tests.Operations;

/// <summary>Authentication of every path but the probes (issue 26: basic auth used to cover /metrics only).</summary>
public sealed class ReadAuthenticationTests : IDisposable
{
    private const string Token = "0123456789abcdef0123456789abcdef";
    private readonly TempDirectory _dir = new();

    public static TheoryData<string> ProtectedPaths => new()
    {
        "/metrics", "/api/v1/state", "/api/v1/actions", "/api/v1/audits/latest", "/api/v1/advice", "/api/v1/advice/evidence", "/api/v1/openapi.json", "/otel/metrics", "/api/v1/not-a-route",
    };

    [Fact]
    public async Task EveryPathButTheProbes_WithoutCredentials_Answers401()
    {
        await using var host = await StartAsync(new WebOptions { BasicAuthUsers = Users() });
        using var http = host.Client();

        var statuses = new Dictionary<string, HttpStatusCode>(StringComparer.Ordinal);
        foreach (var path in ProtectedPaths)
        {
            using var response = await http.GetAsync(path);
            statuses[path] = response.StatusCode;
        }

        Assert.All(statuses, s => Assert.True(s.Value == HttpStatusCode.Unauthorized, $"{s.Key} answered {(int)s.Value} without credentials"));
        using var health = await http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var ready = await http.GetAsync("/readyz");
        Assert.NotEqual(HttpStatusCode.Unauthorized, ready.StatusCode);
    }

    [Fact]
    public async Task EveryPath_WithBasicCredentials_IsServed()
    {
        await using var host = await StartAsync(new WebOptions { BasicAuthUsers = Users() });
        using var http = host.Client();

        foreach (var path in new[] { "/metrics", "/api/v1/state", "/otel/metrics" })
        {
            using var response = await SendAsync(http, HttpMethod.Get, path, Basic("prometheus", "s3cret"));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode} with good credentials");
        }
    }

    [Fact]
    public async Task ReadAuthToken_AcceptsTheBearerTokenAndRefusesBasicAuth()
    {
        var tokenFile = _dir.Write("token", Token);
        await using var host = await StartAsync(new WebOptions { ReadAuth = ReadAuth.Token, TokenFile = tokenFile, BasicAuthUsers = Users() });
        using var http = host.Client();

        using var basic = await SendAsync(http, HttpMethod.Get, "/api/v1/state", Basic("prometheus", "s3cret"));
        using var wrong = await SendAsync(http, HttpMethod.Get, "/api/v1/state", new AuthenticationHeaderValue("Bearer", "not-the-token-0123456789"));
        using var bearer = await SendAsync(http, HttpMethod.Get, "/api/v1/state", new AuthenticationHeaderValue("Bearer", Token));

        Assert.Equal(HttpStatusCode.Unauthorized, basic.StatusCode);
        Assert.Contains("Bearer", basic.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
    }

    [Fact]
    public async Task ReadAuthBasic_TheBearerTokenStillReachesTheControlEndpoints()
    {
        // The control endpoints need the token in the one Authorization header, so basic auth must accept it too.
        var tokenFile = _dir.Write("token", Token);
        await using var host = await StartAsync(new WebOptions { TokenFile = tokenFile, BasicAuthUsers = Users() });
        using var http = host.Client();

        using var withToken = await SendAsync(http, HttpMethod.Post, "/api/v1/audits/run", new AuthenticationHeaderValue("Bearer", Token));
        using var withPassword = await SendAsync(http, HttpMethod.Post, "/api/v1/audits/run", Basic("prometheus", "s3cret"));

        Assert.NotEqual(HttpStatusCode.Unauthorized, withToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withPassword.StatusCode);
        Assert.Contains("Bearer", withPassword.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailuresPastTheLimit_Answer429WithoutACheck_UntilTheMinuteIsOver()
    {
        await using var host = await StartAsync(new WebOptions { BasicAuthUsers = Users(), Limits = new HttpLimitsOptions { AuthFailuresPerMinute = 3 } });
        using var http = host.Client();

        for (var i = 0; i < 3; i++)
        {
            using var wrong = await SendAsync(http, HttpMethod.Get, "/metrics", Basic("prometheus", "guess" + i));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        // Even the right password is not checked now: the address has used its failures.
        using var limited = await SendAsync(http, HttpMethod.Get, "/metrics", Basic("prometheus", "s3cret"));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        using var probe = await http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);

        ((FakeTimeProvider)host.Services.GetRequiredService<TimeProvider>()).Advance(TimeSpan.FromSeconds(61));
        using var later = await SendAsync(http, HttpMethod.Get, "/metrics", Basic("prometheus", "s3cret"));
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    [Fact]
    public void Validate_ReadAuthWithoutWhatItNeeds_NamesTheField()
    {
        var basic = Model.Configuration.YamlBinder.Bind<GpuQosOptions>("web:\n  readAuth: basic\n").Errors;
        var token = Model.Configuration.YamlBinder.Bind<GpuQosOptions>("web:\n  readAuth: token\n").Errors;

        Assert.Equal("web.readAuth", Assert.Single(basic).Path);
        Assert.Contains("basicAuthUsers", basic[0].Message, StringComparison.Ordinal);
        Assert.Equal("web.readAuth", Assert.Single(token).Path);
        Assert.Contains("tokenFile", token[0].Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    internal static Dictionary<string, string> Users() => new() { ["prometheus"] = BCrypt.Net.BCrypt.HashPassword("s3cret", 4) };

    internal static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static Task<OperationsHost> StartAsync(WebOptions web) =>
        OperationsHost.StartAsync(web, observability: new ObservabilityOptions { OtelPrometheusPath = "/otel/metrics" });

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, AuthenticationHeaderValue authorization)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = authorization;
        return await http.SendAsync(request);
    }
}
