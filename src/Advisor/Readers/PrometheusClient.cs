using System.Globalization;
using System.Text.Json;

namespace GpuQos.Advisor.Readers;

/// <summary>
/// A thin client for Prometheus's HTTP API: instant queries at a fixed evaluation time. Queries are POSTed as a form
/// (Prometheus, Thanos, Mimir and VictoriaMetrics all take it), so a long <c>instance=~</c> matcher of a batch of
/// hosts is not cut by a proxy's URL limit.
/// </summary>
public sealed class PrometheusClient(HttpClient http, Uri baseUri)
{
    /// <summary>Runs <c>/api/v1/query</c> and returns the vector; a scalar comes back as one unlabelled sample.</summary>
    public async Task<IReadOnlyList<PromSample>> QueryAsync(string query, DateTimeOffset at, CancellationToken ct)
    {
        using var form = new FormUrlEncodedContent(
        [
            new("query", query),
            new("time", (at.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture)),
        ]);
        using var response = await http.PostAsync(new Uri(baseUri, "api/v1/query"), form, ct);
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var json = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
        var body = json.RootElement;
        if (!response.IsSuccessStatusCode || body.GetProperty("status").GetString() != "success")
        {
            var error = body.TryGetProperty("error", out var e) ? e.GetString() : response.ReasonPhrase;
            throw new PrometheusQueryException($"Prometheus rejected '{query}': {error}");
        }

        var data = body.GetProperty("data");
        var result = data.GetProperty("result");
        return data.GetProperty("resultType").GetString() switch
        {
            "vector" => [.. result.EnumerateArray().Select(s => new PromSample(
                s.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal),
                Parse(s.GetProperty("value")[1].GetString())))],
            "scalar" => [new PromSample(new Dictionary<string, string>(), Parse(result[1].GetString()))],
            var other => throw new PrometheusQueryException($"'{query}' returned a {other}, not a vector"),
        };
    }

    private static double Parse(string? text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.Parse(text ?? "NaN", NumberStyles.Float, CultureInfo.InvariantCulture),
    };
}
