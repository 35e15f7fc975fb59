using System.Globalization;
using System.Text.Json;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Tests.TestSupport;
using GpuQos.Enforcer.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Enforcement;

public sealed class WorkloadObjectiveDaemonTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Run_LatencyObjectives_ReadTheServersHistogramAndShowAnUnreadableSourceAsUnknown()
    {
        // A server whose histogram grows by 100 requests a read, 10 of them in (100, 500] ms: p99 near 460 ms.
        var reads = 0;
        await using var server = new LoopbackMetrics(() =>
        {
            var n = Interlocked.Increment(ref reads);
            return string.Create(CultureInfo.InvariantCulture, $$"""
                # TYPE rpc_seconds histogram
                rpc_seconds_bucket{le="0.01"} {{90 * n}}
                rpc_seconds_bucket{le="0.1"} {{90 * n}}
                rpc_seconds_bucket{le="0.5"} {{100 * n}}
                rpc_seconds_bucket{le="+Inf"} {{100 * n}}
                rpc_seconds_sum {{5 * n}}
                rpc_seconds_count {{100 * n}}

                """);
        });
        var closed = $"http://127.0.0.1:{DaemonProcess.FreePort()}/metrics";
        var config = Path.Combine(_dir.Path, "gpuqos.yaml");
        await File.WriteAllTextAsync(config, $$"""
            tenants:
              - {name: search, match: [{user: search}]}
            policies:
              - name: search-p99
                tenant: search
                gpus: [1]
                objectives:
                  - {type: latency, source: 'scrape:{{server.Url}}', metric: rpc_seconds, quantile: 0.99, latency: 50ms, window: 5s}
              - name: search-p99-down
                tenant: search
                gpus: [1]
                objectives:
                  - {type: latency, source: 'scrape:{{closed}}', metric: rpc_seconds, quantile: 0.99, latency: 50ms, window: 5s}
            """);
        Assert.Empty(ConfigLoader.Check(await File.ReadAllTextAsync(config)));

        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim", "--config", config]);
        var state = await WaitForStateAsync(daemon, s => Sla(s, "search-p99").TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Number
            && Source(s, closed).GetProperty("unknown").GetInt64() >= 1);

        // The p99 from bucket deltas of one read to the next: rank 99 of 100 lies 9 of 10 into (0.1, 0.5].
        Assert.Equal(0.46, Sla(state, "search-p99").GetProperty("value").GetDouble(), 3);
        Assert.Contains("violated", Sla(state, "search-p99").GetProperty("objectives").GetString(), StringComparison.Ordinal);
        Assert.True(Source(state, $"{server.Url}").GetProperty("reads").GetInt64() >= 2);

        // The unreachable source: counted, explained, and its objective neither violated nor met.
        // The API leaves out what has no value.
        Assert.False(Sla(state, "search-p99-down").TryGetProperty("value", out var down) && down.ValueKind != JsonValueKind.Null);
        Assert.Equal("ok", Sla(state, "search-p99-down").GetProperty("state").GetString());
        Assert.True(Source(state, closed).GetProperty("failures").GetInt64() >= 1);
        Assert.False(string.IsNullOrEmpty(Source(state, closed).GetProperty("lastError").GetString()));

        var (code, stdout, stderr) = await DaemonProcess.RunToEndAsync(["status", "--url", daemon.Http.BaseAddress!.ToString()]);
        Assert.True(code == 0, stderr);
        Assert.Contains("Workload metrics", stdout, StringComparison.Ordinal);
        Assert.Contains(closed, stdout, StringComparison.Ordinal);
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public void Check_PrometheusSourceWithoutServer_ErrorNamesTheObjectivesSource()
    {
        var errors = ConfigLoader.Check("""
            tenants:
              - {name: search, match: [{user: search}]}
            policies:
              - name: p
                tenant: search
                objectives:
                  - {type: throughput, source: 'prometheus:sum(rate(requests_total[1m]))', rate: 100}
            """);

        var error = Assert.Single(errors);
        Assert.Equal("policies[0].objectives[0].source", error.Path);
        Assert.Contains("enforcement.workloadMetrics.prometheus", error.Message, StringComparison.Ordinal);
    }

    private static JsonElement Sla(JsonElement state, string policy) =>
        state.GetProperty("sla").EnumerateArray().Single(r => r.GetProperty("policy").GetString() == policy);

    private static JsonElement Source(JsonElement state, string url) =>
        state.GetProperty("workloadMetrics").EnumerateArray().Single(r => r.GetProperty("source").GetString()!.EndsWith(url, StringComparison.Ordinal));

    private static async Task<JsonElement> WaitForStateAsync(DaemonProcess daemon, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var last = default(JsonElement);
        while (DateTime.UtcNow < deadline)
        {
            using var doc = JsonDocument.Parse(await daemon.Http.GetStringAsync("/api/v1/state"));
            last = doc.RootElement.Clone();
            try
            {
                if (done(last))
                {
                    return last;
                }
            }
            catch (InvalidOperationException)
            {
                // A row not there yet.
            }
            catch (KeyNotFoundException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"the state never got there: {last}");
    }
}
