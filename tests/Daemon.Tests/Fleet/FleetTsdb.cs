using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GpuQos.Daemon.Tests.Advisor;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Fleet;

/// <summary>
/// A simulated fleet in a real Prometheus: <c>scripts/gen-fleet.py</c> writes the hosts' series as OpenMetrics
/// with its ground truth, <c>promtool tsdb create-blocks-from openmetrics</c> turns them into TSDB blocks, and the
/// Debian package's Prometheus serves them on a free loopback port. Disposing it stops Prometheus and deletes all.
/// </summary>
public sealed class FleetTsdb : IAsyncDisposable
{
    private readonly string _directory;
    private readonly Process _prometheus;
    private readonly StringBuilder _output = new();

    private FleetTsdb(string directory, Process prometheus, int port, JsonElement truth)
    {
        _directory = directory;
        _prometheus = prometheus;
        BaseUri = new Uri($"http://127.0.0.1:{port}/");
        Truth = truth;
    }

    public Uri BaseUri { get; }

    /// <summary>The generator's <c>truth.json</c>: GPU-hours per tenant and GPU model, the window, the bad hosts.</summary>
    public JsonElement Truth { get; }

    /// <summary>
    /// Every query Prometheus answered so far, in order, with the samples it touched (<c>totalQueryableSamples</c>
    /// of its query log).
    /// </summary>
    public async Task<IReadOnlyList<(string Query, long Samples)>> QueriesAsync()
    {
        var log = Path.Combine(_directory, "query.log");
        if (!File.Exists(log))
        {
            return [];
        }

        await using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var queries = new List<(string, long)>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length > 0)
            {
                var entry = JsonDocument.Parse(line).RootElement;
                var samples = entry.TryGetProperty("stats", out var stats) && stats.TryGetProperty("samples", out var s) && s.TryGetProperty("totalQueryableSamples", out var n) ? n.GetInt64() : -1;
                queries.Add((entry.GetProperty("params").GetProperty("query").GetString()!, samples));
            }
        }

        return queries;
    }

    /// <summary>Evaluates an instant query at the last scrape: its result type and how many series came back.</summary>
    public async Task<(string ResultType, int Series)> EvaluateAsync(string query)
    {
        using var http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromMinutes(1) };
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["query"] = query, ["time"] = Until.ToString(CultureInfo.InvariantCulture) });
        using var response = await http.PostAsync("api/v1/query", form);
        var data = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data");
        return (data.GetProperty("resultType").GetString()!, data.GetProperty("result").GetArrayLength());
    }

    /// <summary>Unix time of the last scrape.</summary>
    public long Until => Truth.GetProperty("until").GetInt64();

    public static async Task<FleetTsdb> CreateAsync(int hosts, double days, int badHosts)
    {
        var directory = Directory.CreateTempSubdirectory("gpuqos-fleet-").FullName;
        try
        {
            await RunAsync("python3", [RepoPaths.Combine("scripts", "gen-fleet.py"), "--hosts", hosts.ToString(CultureInfo.InvariantCulture),
                "--days", days.ToString(CultureInfo.InvariantCulture), "--bad-hosts", badHosts.ToString(CultureInfo.InvariantCulture), "--pods", "--out", directory]);
            // promtool reads the whole file once per block: 18 h blocks instead of 2 h make 2 passes over a day, not 12.
            await RunAsync("promtool", ["tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=24h", Path.Combine(directory, "fleet.om"), Path.Combine(directory, "tsdb")]);
            File.Delete(Path.Combine(directory, "fleet.om"));
            var truth = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "truth.json"))).RootElement.Clone();
            // The query log holds each query's samples touched (issue 23: no query over a share of the fleet's).
            await File.WriteAllTextAsync(Path.Combine(directory, "prometheus.yml"), $"global:\n  scrape_interval: 1m\n  query_log_file: {Path.Combine(directory, "query.log")}\n");
            var port = DaemonProcess.FreePort();
            var psi = new ProcessStartInfo(PrometheusServer.Find() ?? throw new InvalidOperationException($"{PrometheusServer.Binary} is missing: run scripts/setup.sh"))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // Retention is measured from the newest block, so the generated days stay whatever today's date.
            foreach (var arg in new[] { $"--config.file={Path.Combine(directory, "prometheus.yml")}", $"--storage.tsdb.path={Path.Combine(directory, "tsdb")}", $"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=30d", "--enable-feature=promql-per-step-stats" })
            {
                psi.ArgumentList.Add(arg);
            }

            var fleet = new FleetTsdb(directory, Process.Start(psi) ?? throw new InvalidOperationException("could not start prometheus"), port, truth);
            fleet._prometheus.OutputDataReceived += (_, e) => fleet.Append(e.Data);
            fleet._prometheus.ErrorDataReceived += (_, e) => fleet.Append(e.Data);
            fleet._prometheus.BeginOutputReadLine();
            fleet._prometheus.BeginErrorReadLine();
            await fleet.WaitForGpusAsync(hosts * 8, TimeSpan.FromSeconds(90));
            return fleet;
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_prometheus.HasExited)
        {
            _prometheus.Kill();
            await _prometheus.WaitForExitAsync();
        }

        _prometheus.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task WaitForGpusAsync(int gpus, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(10) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            Assert.False(_prometheus.HasExited, "prometheus exited:\n" + Output);
            try
            {
                var body = await http.GetFromJsonAsync<JsonElement>($"api/v1/query?query=count(gpuqos_gpu_info)&time={Until}");
                var result = body.GetProperty("data").GetProperty("result");
                if (result.GetArrayLength() > 0 && result[0].GetProperty("value")[1].GetString() == gpus.ToString(CultureInfo.InvariantCulture))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"Prometheus did not serve the fleet's {gpus} GPUs within {timeout}:\n{Output}");
    }

    private string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static async Task RunAsync(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + file);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(cts.Token);
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {process.ExitCode}:\n{await stdout}{await stderr}");
    }
}
