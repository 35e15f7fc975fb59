using System.Globalization;
using GpuQos.Daemon.Tests.TestSupport;
using GpuQos.Enforcer.Actuators;
using GpuQos.LatencyLoop;

namespace GpuQos.Benchmarks;

/// <summary>
/// Does a second scraper of the latency service's <c>/metrics</c> move its p99? (docs/performance.md, "Latency
/// loop".) <c>latency-scrapes [--burn-ms 3] [--rate 100] [--duty 0.3] [--phase 30] [--rounds 3] [--period 20]</c>,
/// from the repository root: the latency-loop rig with the burner held at one duty cycle (the daemon's throttler,
/// its thread off CPU 0), and phases alternated: the trace alone reading <c>/metrics</c> once a second (as in the
/// latency-loop sweep), then a second reader too, half a second out of step (as while the daemon runs and scrapes
/// it). Each phase's p99 and the burner's share are printed, then the medians of each kind.
/// </summary>
internal static class LatencyScrapeBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var burnMs = int.Parse(LoadTest.Arg(args, "--burn-ms", LatencyLoopHost.BurnMs.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var rate = double.Parse(LoadTest.Arg(args, "--rate", LatencyLoopHost.Rate.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var duty = double.Parse(LoadTest.Arg(args, "--duty", "0.3"), CultureInfo.InvariantCulture);
        var phase = TimeSpan.FromSeconds(double.Parse(LoadTest.Arg(args, "--phase", "30"), CultureInfo.InvariantCulture));
        var rounds = int.Parse(LoadTest.Arg(args, "--rounds", "3"), CultureInfo.InvariantCulture);
        var period = TimeSpan.FromMilliseconds(double.Parse(LoadTest.Arg(args, "--period", LatencyLoopHost.ThrottlePeriod.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture));

        var dir = Directory.CreateTempSubdirectory("gpuqos-latency-scrapes-");
        var port = DaemonProcess.FreePort();
        using var service = LatencyLoopHost.StartService(Path.Combine(AppContext.BaseDirectory, "latency-service.dll"), port, burnMs);
        using var burner = LatencyLoopHost.StartBurner(dir.FullName, "noisy");
        await using var load = new OpenLoopLoad(new Uri($"http://127.0.0.1:{port}/work"), rate, Arrivals.Poisson);
        var metrics = $"http://127.0.0.1:{port}/metrics";
        using var latency = new ServiceLatency(metrics);
        using var second = new HttpClient();
        using var throttler = new DutyCycleThrottler(period, TimeProvider.System);
        try
        {
            if (await service.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) != "ready")
            {
                throw new InvalidOperationException("the latency service did not start");
            }

            load.Start();
            throttler.Set(new ProcessKey(burner.Id, ProcStat.Read(burner.Id)!.Value.StartTime), duty);
            Console.WriteLine($"throttler_off_cpu0={LatencyLoopHost.MoveThreadOffCpu0("gpuqos-duty-cycle")}");
            await latency.P99OverAsync(TimeSpan.FromSeconds(10)); // the service's code is compiled, the throttle holds

            var one = new List<double>();
            var two = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                foreach (var extra in new[] { false, true })
                {
                    using var stop = new CancellationTokenSource();
                    var scraping = extra ? ScrapeAsync(second, metrics, stop.Token) : Task.CompletedTask;
                    var trace = await LatencyLoopTrace.RecordAsync(latency, burner.Id, phase);
                    await stop.CancelAsync();
                    await scraping;
                    var (p99, share) = trace.From(latency, 0);
                    (extra ? two : one).Add(p99);
                    Console.WriteLine(Invariant($"phase round={round + 1} scrapers={(extra ? 2 : 1)} p99_ms={p99 * 1000:0.00} burner_share={share:0.000}"));
                }
            }

            Console.WriteLine(Invariant($"median_p99_ms one_scraper={Median(one) * 1000:0.00} two_scrapers={Median(two) * 1000:0.00} ratio={Median(two) / Median(one):0.000} duty={duty:0.00} rate={rate:0.#} burn_ms={burnMs} dropped={load.Dropped}"));
            return 0;
        }
        finally
        {
            // SIGKILL ends a stopped burner too; disposing the throttler then continues nothing that is left.
            burner.Kill();
            service.Kill();
            await Task.WhenAll(burner.WaitForExitAsync(), service.WaitForExitAsync());
            dir.Delete(recursive: true);
        }
    }

    // A second reader of /metrics, once a second, half a second out of step with the trace's reads.
    private static async Task ScrapeAsync(HttpClient http, string metrics, CancellationToken stop)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), stop);
            while (!stop.IsCancellationRequested)
            {
                _ = await http.GetStringAsync(metrics, stop);
                await Task.Delay(TimeSpan.FromSeconds(1), stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
