using System.Globalization;
using System.Text.Json;
using GpuQos.Daemon.Tests.TestSupport;
using GpuQos.Enforcer.Actuators;
using GpuQos.LatencyLoop;

namespace GpuQos.Benchmarks;

/// <summary>
/// The CPU closed loop, measured (docs/performance.md): <c>latency-loop [--burn-ms 3] [--rate 100] [--arrivals poisson|fixed]
/// [--period 20] [--hysteresis 0.2] [--window 4] [--settle 30] [--steady 60] [--sweep-seconds 30] [--duties 0.05,0.1,…] [--nvml-stub tests/NvmlStub/build]</c>, run from the
/// repository root. The latency service and a CPU burner share CPU 0; the NVML stand-in reports both as one
/// GPU's processes. In order: the service's p99 alone and beside the burner (the target is their geometric
/// mean, as in <c>LatencyClosedLoopTests</c>); a sweep of fixed duty cycles on the burner, each giving the
/// burner's share and the service's p99 (the most the target allows is where a non-decreasing fit of those
/// points reaches the target, <c>ShareCurve.MostAllowed</c>);
/// the real daemon holding the p99 (loop on); and the burner left alone (loop off).
/// </summary>
internal static class LatencyLoopBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var burnMs = int.Parse(LoadTest.Arg(args, "--burn-ms", LatencyLoopHost.BurnMs.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var rate = double.Parse(LoadTest.Arg(args, "--rate", LatencyLoopHost.Rate.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        // How the requests are spaced: poisson (they queue at the service, so its tail follows the load) or fixed.
        var arrivals = Enum.Parse<Arrivals>(LoadTest.Arg(args, "--arrivals", "poisson"), ignoreCase: true);
        var settle = TimeSpan.FromSeconds(double.Parse(LoadTest.Arg(args, "--settle", "30"), CultureInfo.InvariantCulture));
        // The throttle's SIGSTOP/SIGCONT period (ms), for the sweep and the daemon alike (enforcement.throttlePeriod):
        // the loop's by default, `--period 100` for the daemon's default.
        var period = TimeSpan.FromMilliseconds(double.Parse(LoadTest.Arg(args, "--period", LatencyLoopHost.ThrottlePeriod.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture));
        // The policy's hysteresis: the band under the target in which the loop holds still.
        var hysteresis = double.Parse(LoadTest.Arg(args, "--hysteresis", "0.2"), CultureInfo.InvariantCulture);
        // How long each duty cycle of the sweep is measured: the p99 of a few hundred requests is too noisy to place the target on.
        var sweepSeconds = TimeSpan.FromSeconds(double.Parse(LoadTest.Arg(args, "--sweep-seconds", "30"), CultureInfo.InvariantCulture));
        // The objective's window: the daemon judges the p99 of the requests answered in it, and so does the trace.
        var window = TimeSpan.FromSeconds(double.Parse(LoadTest.Arg(args, "--window", LatencyLoopHost.Window.TotalSeconds.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture));
        var steady = TimeSpan.FromSeconds(double.Parse(LoadTest.Arg(args, "--steady", "60"), CultureInfo.InvariantCulture));
        var duties = LoadTest.Arg(args, "--duties", "0.05,0.1,0.15,0.2,0.25,0.3,0.4,0.6").Split(',').Select(d => double.Parse(d, CultureInfo.InvariantCulture)).ToArray();
        var stub = Path.GetFullPath(LoadTest.Arg(args, "--nvml-stub", Path.Combine("tests", "NvmlStub", "build")));
        if (!File.Exists(Path.Combine(stub, "libnvidia-ml.so.1")))
        {
            await Console.Error.WriteLineAsync($"latency-loop: no NVML stand-in in {stub}; run make -C tests/NvmlStub, from the repository root");
            return 2;
        }

        var dir = Directory.CreateTempSubdirectory("gpuqos-latency-loop-");
        var port = DaemonProcess.FreePort();
        using var service = LatencyLoopHost.StartService(Path.Combine(AppContext.BaseDirectory, "latency-service.dll"), port, burnMs);
        using var burner = LatencyLoopHost.StartBurner(dir.FullName, "noisy");
        await using var load = new OpenLoopLoad(new Uri($"http://127.0.0.1:{port}/work"), rate, arrivals);
        var metrics = $"http://127.0.0.1:{port}/metrics";
        using var latency = new ServiceLatency(metrics);
        try
        {
            if (await service.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) != "ready")
            {
                throw new InvalidOperationException("the latency service did not start");
            }

            load.Start();
            var target = await TargetAsync(latency, burner.Id);
            var mostAllowed = await SweepAsync(latency, burner.Id, duties, target, period, sweepSeconds);

            var fixture = Path.Combine(dir.FullName, "host.fixture");
            await File.WriteAllLinesAsync(fixture, LatencyLoopHost.Fixture(service.Id, burner.Id));
            var config = Path.Combine(dir.FullName, "gpuqos.yaml");
            await File.WriteAllTextAsync(config, LatencyLoopHost.Config(metrics, target, Path.Combine(dir.FullName, "journal.jsonl"), period, hysteresis, window));
            LatencyLoopTrace on;
            await using (var daemon = await DaemonProcess.StartAsync(["--backend", "nvml", "--config", config], new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = stub, ["GPUQOS_NVML_STUB_FIXTURE"] = fixture }))
            {
                LatencyLoopHost.MoveOffCpu0(daemon.ProcessId);
                on = await LatencyLoopTrace.RecordAsync(latency, burner.Id, settle + steady, () => CapAsync(daemon.Http));
                if (await daemon.StopAsync() != 0)
                {
                    throw new InvalidOperationException($"the daemon did not stop cleanly:\n{daemon.Output}");
                }
            }

            await Task.Delay(window);
            var off = await LatencyLoopTrace.RecordAsync(latency, burner.Id, steady);
            Report("on", on, latency, target, mostAllowed, settle.TotalSeconds, window);
            Report("off", off, latency, target, mostAllowed, 0, window);
            Console.WriteLine(Invariant($"arrivals={arrivals} rate={rate:0.#} load_dropped={load.Dropped}"));
            return 0;
        }
        finally
        {
            DaemonProcess.Signal(burner.Id, "CONT");
            burner.Kill();
            service.Kill();
            await Task.WhenAll(burner.WaitForExitAsync(), service.WaitForExitAsync());
            dir.Delete(recursive: true);
        }
    }

    // The p99 alone and beside the burner: three alternated 6 s windows of each after 5 s of warm-up (the
    // service's code is still being compiled), medians, since one window on a shared machine can be hit by anything.
    private static async Task<double> TargetAsync(ServiceLatency latency, int burner)
    {
        DaemonProcess.Signal(burner, "STOP");
        await latency.P99OverAsync(TimeSpan.FromSeconds(5));
        var alones = new List<double>();
        var contendeds = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            DaemonProcess.Signal(burner, "STOP");
            alones.Add(await latency.P99OverAsync(TimeSpan.FromSeconds(6)));
            DaemonProcess.Signal(burner, "CONT");
            contendeds.Add(await latency.P99OverAsync(TimeSpan.FromSeconds(6)));
        }

        var (alone, contended) = (alones.Order().ElementAt(1), contendeds.Order().ElementAt(1));
        var target = Math.Sqrt(alone * contended);
        Console.WriteLine(Invariant($"p99_alone_ms={alone * 1000:0.0} p99_contended_ms={contended * 1000:0.0} target_ms={target * 1000:0.0} alone_windows_ms={Ms(alones)} contended_windows_ms={Ms(contendeds)}"));
        return target;
    }

    // Fixed duty cycles on the burner (the daemon's own SIGSTOP/SIGCONT throttler and period): each is given 3 s
    // to take hold, then its share and the p99 of every request answered over the next `seconds` are measured.
    // The most the target allows is read off those points by ShareCurve.MostAllowed.
    private static async Task<double> SweepAsync(ServiceLatency latency, int burner, double[] duties, double target, TimeSpan period, TimeSpan seconds)
    {
        using var throttler = new DutyCycleThrottler(period, TimeProvider.System);
        var key = new ProcessKey(burner, ProcStat.Read(burner)!.Value.StartTime);
        var points = new List<(double Share, double P99)>();
        var pinned = false;
        foreach (var duty in duties)
        {
            throttler.Set(key, duty);
            // Its thread starts with the first process it holds; off CPU 0, as the daemon is (LatencyLoopHost.MoveOffCpu0).
            pinned = pinned || LatencyLoopHost.MoveThreadOffCpu0("gpuqos-duty-cycle");
            await Task.Delay(TimeSpan.FromSeconds(3));
            var trace = await LatencyLoopTrace.RecordAsync(latency, burner, seconds);
            var (p99, share) = trace.From(latency, 0);
            points.Add((share, p99));
            Console.WriteLine(Invariant($"sweep duty={duty:0.00} burner_share={share:0.000} p99_ms={p99 * 1000:0.0} {(p99 <= target ? "meets" : "misses")}"));
        }

        throttler.Set(key, 1);
        Console.WriteLine($"sweep_throttler_off_cpu0={pinned}");
        var mostAllowed = ShareCurve.MostAllowed(points, target);
        Console.WriteLine(Invariant($"most_allowed_share={mostAllowed:0.000} fit_ms={string.Join(',', ShareCurve.Monotone(points).Select(p => (p.P99 * 1000).ToString("0.0", CultureInfo.InvariantCulture)))}"));
        return mostAllowed;
    }

    private static void Report(string loop, LatencyLoopTrace trace, ServiceLatency latency, double target, double mostAllowed, double steadyFrom, TimeSpan window)
    {
        var rolling = trace.Rolling(latency, window);
        foreach (var (seconds, windowP99, cap) in rolling)
        {
            Console.WriteLine(Invariant($"trace loop={loop} t={seconds:0.0} p99_window_ms={(windowP99 is { } p ? (p * 1000).ToString("0.0", CultureInfo.InvariantCulture) : "unknown")} cap={(cap is { } c ? c.ToString("0.00", CultureInfo.InvariantCulture) : "-")}"));
        }

        // Settled: from then to the end, every 4 s window's p99 within target + 10%.
        var bound = target * 1.1;
        var lastMiss = rolling.FindLastIndex(r => r.P99 is { } p && p > bound);
        var settled = lastMiss < 0 ? "0" : lastMiss == rolling.Count - 1 ? "never" : rolling[lastMiss + 1].Seconds.ToString("0", CultureInfo.InvariantCulture);
        var firstTen = rolling.Select((r, i) => (r, i)).FirstOrDefault(x => x.i >= 9 && rolling.Skip(x.i - 9).Take(10).All(r => r.P99 is { } p && p <= bound));
        var after = rolling.Where(r => r.Seconds >= steadyFrom && r.P99 is not null).ToList();
        var within = after.Count == 0 ? 0 : after.Count(r => r.P99 <= bound) / (double)after.Count;
        var (p99, share) = trace.From(latency, steadyFrom);
        Console.Write(Invariant($"loop={loop} steady_from_s={steadyFrom:0} p99_steady_ms={p99 * 1000:0.0} p99_vs_target={p99 / target - 1:+0.0%;-0.0%} windows_within_target+10%={within:0%} "));
        var firstTenAt = firstTen.i >= 9 ? (firstTen.r.Seconds - 9).ToString("0", CultureInfo.InvariantCulture) : "never";
        Console.WriteLine(Invariant($"burner_mean_share={share:0.000} vs_most_allowed_pp={(share - mostAllowed) * 100:+0.0;-0.0} settled_s={settled} first_10s_within_s={firstTenAt}"));
    }

    private static async Task<double?> CapAsync(HttpClient http)
    {
        try
        {
            using var doc = JsonDocument.Parse(await http.GetStringAsync("/api/v1/state"));
            return doc.RootElement.GetProperty("sla").EnumerateArray().Any() ? LatencyLoopHost.Cap(doc.RootElement) : 1;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static string Ms(IEnumerable<double> seconds) => string.Join(',', seconds.Select(s => (s * 1000).ToString("0.0", CultureInfo.InvariantCulture)));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
