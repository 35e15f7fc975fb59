using System.Text.Json.Serialization;
using GpuQos.Daemon.Http.Api;

namespace GpuQos.Daemon.Http;

/// <summary>
/// <c>GET /api/v1/openapi.json</c>: the OpenAPI document of the <c>/api/v1</c> endpoints, generated from the
/// endpoints themselves and the records they declare, so it cannot drift from what is served. It sits behind
/// the same authentication as the rest of <c>/api</c> (docs/security.md).
/// </summary>
public static class ApiDocument
{
    /// <summary>Where the document is served.</summary>
    public const string Path = "/api/v1/openapi.json";

    /// <summary>Registers the document's generation, with the API's JSON settings so that names and enums read as served.</summary>
    public static void AddApiDocument(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o =>
        {
            var api = ApiJsonContext.Api.Options;
            o.SerializerOptions.PropertyNamingPolicy = api.PropertyNamingPolicy;
            o.SerializerOptions.DefaultIgnoreCondition = api.DefaultIgnoreCondition;
            o.SerializerOptions.NumberHandling = api.NumberHandling;
            foreach (var converter in api.Converters.Where(c => c is JsonStringEnumConverter))
            {
                o.SerializerOptions.Converters.Add(converter);
            }
        });
        services.AddOpenApi("v1", o =>
        {
            // The probes and /metrics are not part of the JSON API.
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "GpuQos API";
                document.Info.Version = VersionInfo.Version;
                document.Info.Description = "State, SLA, actions, audits and advice of one GpuQos daemon; POST endpoints need the bearer token.";
                return Task.CompletedTask;
            });
        });
    }

    /// <summary>Maps the document.</summary>
    public static void MapApiDocument(this WebApplication app) => app.MapOpenApi(Path);
}
