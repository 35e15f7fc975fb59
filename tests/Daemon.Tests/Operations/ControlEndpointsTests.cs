using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Hosting;
using GpuQos.Enforcer;
using GpuQos.IsolationProbes;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GpuQos.Daemon.Tests.Operations;

public sealed class ControlEndpointsTests : IDisposable
{
    private const string Token = "0123456789abcdef0123456789abcdef";
    private readonly TempDirectory _dir = new();
    private readonly FakeEnforcementControl _enforcement = new();
    private readonly FakeAuditTrigger _audit = new();

    public static TheoryData<string> Endpoints => new() { "/api/v1/enforcement/pause", "/api/v1/enforcement/resume", "/api/v1/actions/revert", "/api/v1/audits/run" };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Post_WithoutToken_Returns401AndDoesNothing(string path)
    {
        await using var host = await StartWithFakesAsync();
        using var http = host.Client();

        using var response = await http.PostAsync(path, null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        AssertNothingHappened();
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Post_WithWrongToken_Returns401AndDoesNothing(string path)
    {
        await using var host = await StartWithFakesAsync();
        using var http = host.Client();

        foreach (var wrong in new[] { Token + "0", Token[..^1], Token.ToUpperInvariant(), "Basic " + Token })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path);
            request.Headers.TryAddWithoutValidation("Authorization", wrong.StartsWith("Basic", StringComparison.Ordinal) ? wrong : "Bearer " + wrong);
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        AssertNothingHappened();
    }

    [Fact]
    public async Task Post_WithToken_ReachesEnforcementAndAudit()
    {
        await using var host = await StartWithFakesAsync();
        using var http = host.Client();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);

        using (var pause = await http.PostAsync("/api/v1/enforcement/pause", null))
        {
            Assert.Equal(HttpStatusCode.OK, pause.StatusCode);
            Assert.True((await pause.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paused").GetBoolean());
        }

        Assert.True(_enforcement.Paused);
        using (var resume = await http.PostAsync("/api/v1/enforcement/resume", null))
        {
            Assert.Equal(HttpStatusCode.OK, resume.StatusCode);
        }

        Assert.False(_enforcement.Paused);
        using (var revert = await http.PostAsync("/api/v1/actions/revert", null))
        {
            Assert.Equal(3, (await revert.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reverted").GetInt32());
        }

        Assert.Equal(1, _enforcement.Reverts);
        using var first = await http.PostAsync("/api/v1/audits/run", null);
        using var second = await http.PostAsync("/api/v1/audits/run", null);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    [Fact]
    public async Task Post_FeatureNotRegistered_Returns503NamingIt()
    {
        // The daemon registers both features; a build without them (or one that failed to start) must answer 503.
        await using var host = await OperationsHost.StartAsync(new WebOptions { TokenFile = _dir.Write("token", Token) }, services =>
        {
            services.RemoveAll<IEnforcementControl>();
            services.RemoveAll<IAuditTrigger>();
        });
        using var http = host.Client();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);

        using var pause = await http.PostAsync("/api/v1/enforcement/pause", null);
        using var audit = await http.PostAsync("/api/v1/audits/run", null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, pause.StatusCode);
        Assert.Contains("enforcement", await pause.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, audit.StatusCode);
        Assert.Contains("audit", await audit.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_NoTokenConfigured_Returns403()
    {
        await using var host = await OperationsHost.StartAsync(new WebOptions(), Register);
        using var http = host.Client();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);

        using var response = await http.PostAsync("/api/v1/enforcement/pause", null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("web.tokenFile", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_enforcement.Calls);
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, "0640")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead, "0604")]
    public void Build_TokenFileReadableByOthers_RefusesNamingFileAndMode(UnixFileMode mode, string octal)
    {
        var path = _dir.Write("token", Token, mode);

        var ex = Assert.Throws<StartupRefusedException>(() => OperationsHost.Build(new WebOptions { TokenFile = path }));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains(octal, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_TokenTooShort_Refuses()
    {
        var path = _dir.Write("token", "short");

        var ex = Assert.Throws<StartupRefusedException>(() => OperationsHost.Build(new WebOptions { TokenFile = path }));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    private Task<OperationsHost> StartWithFakesAsync() =>
        OperationsHost.StartAsync(new WebOptions { TokenFile = _dir.Write("token", Token + "\n") }, Register);

    private void Register(IServiceCollection services)
    {
        services.AddSingleton<IEnforcementControl>(_enforcement);
        services.AddSingleton<IAuditTrigger>(_audit);
    }

    private void AssertNothingHappened()
    {
        Assert.Empty(_enforcement.Calls);
        Assert.False(_audit.Running);
    }
}
