using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Observability;

/// <summary>The answer of Prometheus' <c>/api/v1/query</c>: an error, or the number of series or samples returned.</summary>
internal sealed record QueryResult(string? Error, int Count, double? FirstValue);

/// <summary>
/// A real Prometheus (<c>/usr/bin/prometheus</c>) on a free loopback port, with its configuration and TSDB in
/// a temporary directory, scraping one target every second and evaluating the project's rule files every
/// second. Disposing it stops the process and deletes the directory.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private PrometheusServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public HttpClient Http { get; }

    /// <summary>Starts Prometheus scraping <paramref name="target"/> (HOST:PORT) as job <c>gpuqos</c>.</summary>
    public static async Task<PrometheusServer> StartAsync(string target, IEnumerable<string> ruleFiles)
    {
        var directory = Directory.CreateTempSubdirectory("gpuqos-prometheus-").FullName;
        var config = Path.Combine(directory, "prometheus.yml");
        var rules = string.Join("\n", ruleFiles.Select(f => $"  - '{f}'"));
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 900ms
              evaluation_interval: 1s
            rule_files:
            {rules}
            scrape_configs:
              - job_name: gpuqos
                static_configs:
                  - targets: ['{target}']
                    # What the ServiceMonitor's relabeling (node) and a cluster-wide external label add in
                    # production, so that the dashboards' node and cluster variables are exercised.
                    labels:
                      node: sim-node-1
                      cluster: sim
            """);
        var port = DaemonProcess.FreePort();
        var psi = new ProcessStartInfo(ExternalTool.Require("prometheus"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "data")}", $"--web.listen-address=127.0.0.1:{port}" })
        {
            psi.ArgumentList.Add(arg);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start prometheus");
        var log = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new PrometheusServer(process, directory, port);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (process.HasExited)
            {
                await server.DisposeAsync();
                lock (log)
                {
                    throw new InvalidOperationException($"prometheus exited with {process.ExitCode}:\n{log}");
                }
            }

            try
            {
                using var ready = await server.Http.GetAsync("/-/ready");
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        await server.DisposeAsync();
        throw new TimeoutException("prometheus was not ready within 30 s");
    }

    /// <summary>Runs an instant query.</summary>
    public async Task<QueryResult> QueryAsync(string expr)
    {
        using var response = await Http.PostAsync("/api/v1/query", new FormUrlEncodedContent([new("query", expr)]));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        if (root.GetProperty("status").GetString() != "success")
        {
            return new QueryResult(root.TryGetProperty("error", out var e) ? e.GetString() : "error", 0, null);
        }

        var data = root.GetProperty("data");
        var result = data.GetProperty("result");
        return data.GetProperty("resultType").GetString() switch
        {
            "vector" or "matrix" => new QueryResult(null, result.GetArrayLength(), result.GetArrayLength() > 0 && result[0].TryGetProperty("value", out var v) ? Value(v) : null),
            "scalar" => new QueryResult(null, 1, Value(result)),
            _ => new QueryResult(null, 1, null),
        };
    }

    /// <summary>The label values of the series an instant query returns.</summary>
    public async Task<IReadOnlyList<string>> LabelValuesAsync(string selector, string label)
    {
        using var response = await Http.PostAsync("/api/v1/query", new FormUrlEncodedContent([new("query", selector)]));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        if (json.RootElement.GetProperty("status").GetString() != "success")
        {
            return [];
        }

        return json.RootElement.GetProperty("data").GetProperty("result").EnumerateArray()
            .Select(s => s.GetProperty("metric").TryGetProperty(label, out var l) ? l.GetString() ?? "" : "")
            .Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The label sets (metric name left out) of the series an instant query returns.</summary>
    public async Task<IReadOnlyList<IReadOnlyDictionary<string, string>>> SeriesAsync(string expr)
    {
        using var response = await Http.PostAsync("/api/v1/query", new FormUrlEncodedContent([new("query", expr)]));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        if (json.RootElement.GetProperty("status").GetString() != "success")
        {
            return [];
        }

        return json.RootElement.GetProperty("data").GetProperty("result").EnumerateArray()
            .Select(s => (IReadOnlyDictionary<string, string>)s.GetProperty("metric").EnumerateObject()
                .Where(l => l.Name != "__name__").ToDictionary(l => l.Name, l => l.Value.GetString() ?? "", StringComparer.Ordinal))
            .ToList();
    }

    /// <summary>Every loaded rule with its health (<c>ok</c>, <c>err</c>, <c>unknown</c>) and last error.</summary>
    public async Task<IReadOnlyList<(string Name, string Health, string? Error)>> RulesAsync()
    {
        using var json = JsonDocument.Parse(await Http.GetStringAsync("/api/v1/rules"));
        return json.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("rules").EnumerateArray())
            .Select(r => (r.GetProperty("name").GetString() ?? "", r.GetProperty("health").GetString() ?? "",
                r.TryGetProperty("lastError", out var e) ? e.GetString() : null))
            .ToList();
    }

    /// <summary>Waits until the target has been scraped successfully at least <paramref name="count"/> times.</summary>
    public async Task WaitForScrapesAsync(int count, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            var scrapes = await QueryAsync("sum_over_time(up{job=\"gpuqos\"}[1m])");
            if (scrapes.FirstValue >= count)
            {
                return;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"Prometheus did not scrape the daemon {count} times within {timeout}");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            DaemonProcess.Signal(_process.Id, "TERM");
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
            }
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temp directory is cleaned by the OS eventually.
        }
    }

    private static double? Value(JsonElement pair) =>
        double.TryParse(pair[1].GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
}
