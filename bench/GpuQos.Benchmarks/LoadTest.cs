using System.Diagnostics;
using System.Globalization;

namespace GpuQos.Benchmarks;

/// <summary>
/// Concurrent scrapers against one /metrics URL on loopback, bounded in both count and time:
/// <c>load --url http://127.0.0.1:9450/metrics --scrapers 50 --seconds 60 --max-requests 100000</c>.
/// Prints requests, errors, throughput and latency percentiles.
/// </summary>
internal static class LoadTest
{
    public static async Task<int> RunAsync(string[] args)
    {
        var url = Arg(args, "--url", "http://127.0.0.1:9450/metrics");
        var scrapers = int.Parse(Arg(args, "--scrapers", "50"), CultureInfo.InvariantCulture);
        var seconds = double.Parse(Arg(args, "--seconds", "60"), CultureInfo.InvariantCulture);
        var maxRequests = long.Parse(Arg(args, "--max-requests", "100000"), CultureInfo.InvariantCulture);
        var uri = new Uri(url);
        if (!uri.IsLoopback)
        {
            await Console.Error.WriteLineAsync("load: only loopback targets are allowed");
            return 2;
        }

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = scrapers }) { Timeout = TimeSpan.FromSeconds(10) };
        var latencies = new List<double>[scrapers];
        long issued = 0, errors = 0, bytes = 0;
        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        var tasks = Enumerable.Range(0, scrapers).Select(async i =>
        {
            var mine = latencies[i] = [];
            while (clock.Elapsed < deadline && Interlocked.Increment(ref issued) <= maxRequests)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    var body = await http.GetByteArrayAsync(uri);
                    Interlocked.Add(ref bytes, body.Length);
                    mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }).ToArray();
        await Task.WhenAll(tasks);
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double P(double q) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)(q * all.Length))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scrapers={scrapers} seconds={elapsed:0.0} requests={all.Length} errors={errors} rps={all.Length / elapsed:0} " +
            $"mean_bytes={(all.Length == 0 ? 0 : bytes / all.Length)} p50_ms={P(0.50):0.00} p90_ms={P(0.90):0.00} p99_ms={P(0.99):0.00} max_ms={(all.Length == 0 ? 0 : all[^1]):0.00}"));
        return errors == 0 ? 0 : 1;
    }

    internal static string Arg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
