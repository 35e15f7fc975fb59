using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Http;
using GpuQos.Daemon.Tests.Http.Api;
using GpuQos.Daemon.Tests.Operations;
using Microsoft.AspNetCore.Routing;

namespace GpuQos.Daemon.Tests.Http;

/// <summary><c>/api/v1/openapi.json</c>, fetched from a running daemon: complete, typed, and behind the API's authentication.</summary>
public sealed class ApiDocumentTests : IDisposable
{
    private const string Token = "0123456789abcdef0123456789abcdef";
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task OpenApi_RunningDaemon_ListsEveryApiEndpointWithItsJsonResponseSchema()
    {
        await using var host = await OperationsHost.StartAsync(new WebOptions());
        using var http = host.Client();

        using var document = JsonDocument.Parse(await http.GetStringAsync(ApiDocument.Path));

        // Every /api/v1 route the daemon maps, read from its endpoints rather than listed here.
        var mapped = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1/", StringComparison.Ordinal) == true && e.RoutePattern.RawText != ApiDocument.Path)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Path: e.RoutePattern.RawText!, Method: m.ToLowerInvariant())))
            .ToList();
        Assert.True(mapped.Count >= 9, "found only " + string.Join(", ", mapped));
        var paths = document.RootElement.GetProperty("paths");
        foreach (var (path, method) in mapped)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is not in the document");
            Assert.True(item.TryGetProperty(method, out var operation), $"{method} {path} is not in the document");
            var success = operation.GetProperty("responses").EnumerateObject().Where(r => r.Name.StartsWith('2')).ToList();
            Assert.True(success.Count > 0, $"{method} {path} declares no 2xx response");
            Assert.All(success, r => Assert.True(
                r.Value.TryGetProperty("content", out var content) && content.TryGetProperty("application/json", out var json) && json.TryGetProperty("schema", out _),
                $"{method} {path} {r.Name} has no application/json schema"));
        }

        // The state's schema names the same top-level fields the API serves.
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        var stateRef = paths.GetProperty("/api/v1/state").GetProperty("get").GetProperty("responses").GetProperty("200")
            .GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString();
        Assert.Equal("#/components/schemas/StateDocument", stateRef);
        var fields = schemas.GetProperty("StateDocument").GetProperty("properties").EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var served = WireFormat.Expected("state").Select(p => p.Split('.', '[')[1]).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(served.Order(StringComparer.Ordinal), fields.Order(StringComparer.Ordinal));
        Assert.True(schemas.GetProperty("SlaRow").GetProperty("properties").TryGetProperty("since", out _));
        Assert.True(schemas.TryGetProperty("ActionEntry", out _));
        Assert.True(schemas.TryGetProperty("AuditReport", out _));
    }

    [Fact]
    public async Task OpenApi_ReadAuthToken_NeedsTheTokenLikeTheRestOfTheApi()
    {
        var tokenFile = _dir.Write("token", Token);
        await using var host = await OperationsHost.StartAsync(new WebOptions { ReadAuth = ReadAuth.Token, TokenFile = tokenFile });
        using var http = host.Client();

        using var without = await http.GetAsync(ApiDocument.Path);
        using var request = new HttpRequestMessage(HttpMethod.Get, ApiDocument.Path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var with = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
        using var document = JsonDocument.Parse(await with.Content.ReadAsStringAsync());
        Assert.StartsWith("3.", document.RootElement.GetProperty("openapi").GetString(), StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
