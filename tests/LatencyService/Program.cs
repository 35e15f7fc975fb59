using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Prometheus;

namespace GpuQos.LatencyService;

/// <summary>
/// <c>latency-service PORT BURN_MS</c>: serves <c>/work</c> one request at a time (a single worker, so requests
/// queue as on a saturated inference server), each burning BURN_MS of this process's CPU time, and
/// <c>/metrics</c> with the histogram <c>request_duration_seconds</c> (arrival to response). Names itself
/// <c>latency-svc</c> (comm) so attribution can match it. Runs until killed.
/// </summary>
internal static partial class Program
{
    private const int PrSetName = 15;

    private static async Task<int> Main(string[] args)
    {
        if (args.Length != 2 || !int.TryParse(args[0], CultureInfo.InvariantCulture, out var port) || !double.TryParse(args[1], CultureInfo.InvariantCulture, out var burnMs))
        {
            await Console.Error.WriteLineAsync("usage: latency-service PORT BURN_MS");
            return 2;
        }

        _ = SetName("latency-svc");
        // Before any metric exists: prometheus-net refuses to suppress its defaults afterwards.
        Metrics.SuppressDefaultMetrics();
        var duration = Metrics.CreateHistogram(
            "request_duration_seconds",
            "Time from a request's arrival to its response.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 1.2, 40) });
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var queue = Channel.CreateUnbounded<(HttpListenerContext Context, long Arrived)>();
        var worker = Task.Run(async () =>
        {
            await foreach (var (context, arrived) in queue.Reader.ReadAllAsync())
            {
                Burn(TimeSpan.FromMilliseconds(burnMs));
                // An explicit length: without one a keep-alive client waits for the connection to close.
                context.Response.StatusCode = 200;
                context.Response.ContentLength64 = 0;
                context.Response.Close();
                duration.Observe(Stopwatch.GetElapsedTime(arrived).TotalSeconds);
            }
        });

        // A worker that died would leave every later request queued forever: die with it, loudly.
        _ = worker.ContinueWith(
            t =>
            {
                Console.Error.WriteLine($"worker failed: {t.Exception}");
                Environment.Exit(1);
            },
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted,
            TaskScheduler.Default);
        await Console.Out.WriteLineAsync("ready");
        while (true)
        {
            var context = await listener.GetContextAsync();
            var arrived = Stopwatch.GetTimestamp();
            if (context.Request.Url?.AbsolutePath == "/metrics")
            {
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await ExportAsync(context);
                    }
                    catch (Exception ex)
                    {
                        await Console.Error.WriteLineAsync($"metrics: {ex}");
                        context.Response.Abort();
                    }
                });
                continue;
            }

            await queue.Writer.WriteAsync((context, arrived));
        }
    }

    private static async Task ExportAsync(HttpListenerContext context)
    {
        using var page = new MemoryStream();
        await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(page);
        context.Response.ContentType = "text/plain; version=0.0.4";
        context.Response.ContentLength64 = page.Length;
        await context.Response.OutputStream.WriteAsync(page.GetBuffer().AsMemory(0, (int)page.Length));
        context.Response.Close();
    }

    // CPU time, not wall time: the work is the same however much of the core the service gets.
    private static void Burn(TimeSpan cpu)
    {
        using var self = Process.GetCurrentProcess();
        var end = self.TotalProcessorTime + cpu;
        var x = 1UL;
        while (true)
        {
            for (var i = 0; i < 20_000; i++)
            {
                x = (x * 6364136223846793005UL) + 1442695040888963407UL;
            }

            self.Refresh();
            if (self.TotalProcessorTime >= end || x == 0)
            {
                return;
            }
        }
    }

    private static int SetName(string name) => Prctl(PrSetName, name, 0, 0, 0);

    [LibraryImport("libc", EntryPoint = "prctl", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Prctl(int option, string arg2, ulong arg3, ulong arg4, ulong arg5);
}
