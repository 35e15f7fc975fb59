using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace GpuQos.Advisor.Tests.TestSupport;

/// <summary>
/// Prometheus's <c>/api/v1/query</c> as an HTTP handler over a made-up fleet: every host has one GPU and one tenant,
/// and was last scraped <see cref="LastSeen"/> before now. It honours an <c>instance=~"..."</c> matcher the way
/// Prometheus does (an anchored regular expression) and the range of the <c>gpuqos_gpu_info</c> query, and records
/// every query it answers with the hosts it selected.
/// </summary>
public sealed partial class RecordingPrometheus(DateTimeOffset now, IReadOnlyList<string> hosts) : HttpMessageHandler
{
    private readonly List<Answered> _answered = [];

    /// <summary>A query as received, its evaluation time and the hosts its matcher selected (all without one).</summary>
    public sealed record Answered(string Query, DateTimeOffset At, IReadOnlyList<string> Hosts);

    public IReadOnlyList<Answered> Answers
    {
        get
        {
            lock (_answered)
            {
                return [.. _answered];
            }
        }
    }

    /// <summary>Host i was last scraped i x 10 h + 7 min before now.</summary>
    public static TimeSpan LastSeen(int host) => TimeSpan.FromHours(10 * host) + TimeSpan.FromMinutes(7);

    /// <summary>The instance matcher of a query with its PromQL quoting undone, or null without one.</summary>
    public static string? InstanceRegex(string query) =>
        InstanceMatcher().Match(query) is { Success: true } m ? Unquote(m.Groups[1].Value) : null;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var form = request.Method == HttpMethod.Post && request.Content is not null
            ? await request.Content.ReadAsStringAsync(cancellationToken)
            : request.RequestUri!.Query.TrimStart('?');
        var fields = form.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => Uri.UnescapeDataString(p[0].Replace('+', ' ')), p => Uri.UnescapeDataString(p[1].Replace('+', ' ')), StringComparer.Ordinal);
        var query = fields["query"];
        var at = DateTimeOffset.FromUnixTimeMilliseconds((long)(double.Parse(fields["time"], CultureInfo.InvariantCulture) * 1000));
        var regex = InstanceRegex(query);
        var selected = regex is null ? hosts : [.. hosts.Where(h => Regex.IsMatch(h, "^(?:" + regex + ")$", RegexOptions.None, TimeSpan.FromSeconds(1)))];
        lock (_answered)
        {
            _answered.Add(new Answered(query, at, selected));
        }

        var samples = new List<(Dictionary<string, string> Labels, double Value)>();
        foreach (var host in selected)
        {
            var i = IndexOf(host);
            Dictionary<string, string> tenant = new(StringComparer.Ordinal) { ["instance"] = host, ["gpu"] = "0", ["tenant"] = "team-a" };
            if (query.StartsWith("last_over_time(gpuqos_gpu_info[", StringComparison.Ordinal))
            {
                var range = Duration(query[(query.IndexOf('[', StringComparison.Ordinal) + 1)..query.IndexOf(']', StringComparison.Ordinal)]);
                var last = now - LastSeen(i);
                if (last <= at && last >= at - range)
                {
                    samples.Add((new(StringComparer.Ordinal) { ["instance"] = host, ["gpu"] = "0", ["uuid"] = $"GPU-{i}", ["name"] = "NVIDIA H100 80GB HBM3", ["mode"] = "time-sliced" }, 1));
                }
            }
            else if (query.Contains("gpuqos_tenant_sm_share_ratio", StringComparison.Ordinal))
            {
                samples.Add((tenant, query switch
                {
                    _ when query.StartsWith("quantile_over_time(0.5,", StringComparison.Ordinal) => 0.20 + i / 100.0,
                    _ when query.StartsWith("quantile_over_time(0.95,", StringComparison.Ordinal) => 0.30 + i / 100.0,
                    _ when query.StartsWith("quantile_over_time(0.99,", StringComparison.Ordinal) => 0.40 + i / 100.0,
                    _ when query.StartsWith("max_over_time(", StringComparison.Ordinal) => 0.50 + i / 100.0,
                    _ => 1000 + i,
                }));
            }
            else if (query.StartsWith("max_over_time(gpuqos_tenant_memory_used_bytes", StringComparison.Ordinal))
            {
                samples.Add((tenant, (i + 1) * (double)(1L << 30)));
            }
        }

        // Host i's tenant data starts 1 h + i min ago: the hosts selected together start at the earliest of theirs,
        // which the coverage subquery finds where its range (less its offset) holds that start or data after it.
        if (query.Contains("timestamp(count(", StringComparison.Ordinal) && selected.Count > 0
            && CoverageRange().Match(query) is { Success: true } coverage)
        {
            var end = at - (coverage.Groups[2].Success ? Duration(coverage.Groups[2].Value) : TimeSpan.Zero);
            var start = end - Duration(coverage.Groups[1].Value);
            var first = Math.Max(now.ToUnixTimeSeconds() - 3600 - (60 * selected.Max(IndexOf)), start.ToUnixTimeSeconds());
            if (first <= end.ToUnixTimeSeconds())
            {
                samples.Add((new(StringComparer.Ordinal), first));
            }
        }

        var body = JsonSerializer.Serialize(new
        {
            status = "success",
            data = new
            {
                resultType = "vector",
                result = samples.Select(s => new { metric = s.Labels, value = new object[] { at.ToUnixTimeSeconds(), s.Value.ToString("R", CultureInfo.InvariantCulture) } }),
            },
        });
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    }

    /// <summary>Undoes a PromQL double-quoted string's escapes of backslash and quote.</summary>
    private static string Unquote(string quoted) => quoted
        .Replace("\\\\", "\u0001", StringComparison.Ordinal)
        .Replace("\\\"", "\"", StringComparison.Ordinal)
        .Replace("\u0001", "\\", StringComparison.Ordinal);

    private int IndexOf(string host) => hosts.ToList().IndexOf(host);

    private static TimeSpan Duration(string text) => text[^1] switch
    {
        'd' => TimeSpan.FromDays(int.Parse(text[..^1], CultureInfo.InvariantCulture)),
        'h' => TimeSpan.FromHours(int.Parse(text[..^1], CultureInfo.InvariantCulture)),
        _ => TimeSpan.FromSeconds(int.Parse(text[..^1], CultureInfo.InvariantCulture)),
    };

    [GeneratedRegex(@"\[(\w+):1m\](?: offset (\w+))?")]
    private static partial Regex CoverageRange();

    [GeneratedRegex("instance=~\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex InstanceMatcher();
}
