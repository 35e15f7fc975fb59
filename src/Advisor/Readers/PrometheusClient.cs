using System.Globalization;

namespace GpuQos.Advisor.Readers;

/// <summary>
/// A thin client for Prometheus's HTTP API: instant queries at a fixed evaluation time. Queries are POSTed as a form
/// (Prometheus, Thanos, Mimir and VictoriaMetrics all take it), so a long <c>instance=~</c> matcher of a batch of
/// hosts is not cut by a proxy's URL limit.
/// </summary>
public sealed class PrometheusClient(HttpClient http, Uri baseUri)
{
    // One copy of each label name and value across every result: a fleet's queries repeat the same hosts, UUIDs
    // and tenants in every answer (34 queries x 48,000 series at 1,000 hosts), and each copy is a string of its own.
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);

    /// <summary>Runs <c>/api/v1/query</c> and returns the vector; a scalar comes back as one unlabelled sample.</summary>
    public async Task<IReadOnlyList<PromSample>> QueryAsync(string query, DateTimeOffset at, CancellationToken ct)
    {
        // The same streaming read as QueryEachAsync, each sample's labels copied since the reader reuses them.
        var samples = new List<PromSample>();
        await QueryEachAsync(query, at, (labels, value) => samples.Add(new PromSample(new Dictionary<string, string>(labels, StringComparer.Ordinal), value)), ct);
        return samples;
    }

    /// <summary>
    /// Runs <c>/api/v1/query</c> and hands each sample of the vector to <paramref name="onSample"/> as it is read from
    /// the answer, which is never held whole (a scalar comes back as one unlabelled sample). The labels passed are
    /// reused for the next sample: copy what must outlive the call. Samples already handed over stay handed over if
    /// the answer then turns out cut or wrong, so a caller adds them up apart and keeps them only once this returns.
    /// </summary>
    /// <returns>How many samples were handed over.</returns>
    public async Task<int> QueryEachAsync(string query, DateTimeOffset at, Action<IReadOnlyDictionary<string, string>, double> onSample, CancellationToken ct)
    {
        using var form = new FormUrlEncodedContent(
        [
            new("query", query),
            new("time", (at.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture)),
        ]);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, "api/v1/query")) { Content = form };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var answer = await new PromVectorReader(Shared).ReadAsync(stream, onSample, ct);
        if (!response.IsSuccessStatusCode || answer.Status != "success")
        {
            throw new PrometheusQueryException($"Prometheus rejected '{query}': {answer.Error ?? response.ReasonPhrase}");
        }

        return answer.ResultType is "vector" or "scalar" ? answer.Samples
            : throw new PrometheusQueryException($"'{query}' returned a {answer.ResultType ?? "answer without a result type"}, not a vector");
    }

    private string Shared(ReadOnlySpan<char> text)
    {
        lock (_strings)
        {
            var lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(text, out var shared))
            {
                return shared;
            }

            var made = text.ToString();
            _strings[made] = made;
            return made;
        }
    }
}
