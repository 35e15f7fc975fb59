using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace GpuQos.LatencyLoop;

/// <summary>
/// The CPU closed loop's setup, shared by <c>LatencyClosedLoopTests</c> and the <c>latency-loop</c> benchmark:
/// the latency service and a CPU burner on CPU 0, which the NVML stand-in (real-PID mode) reports as the
/// processes of one GPU, a policy that holds the service's p99 by throttling the burner, and readers of the
/// daemon's <c>/api/v1/state</c> for that policy.
/// </summary>
internal static class LatencyLoopHost
{
    /// <summary>The policy's name.</summary>
    public const string Policy = "service-p99";

    /// <summary>The service's histogram.</summary>
    public const string Metric = "request_duration_seconds";

    /// <summary>Starts <c>latency-service PORT BURN_MS</c> pinned to CPU 0; it writes "ready" on stdout once it listens.</summary>
    public static Process StartService(string dll, int port, int burnMs) =>
        Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "exec taskset -c 0 dotnet \"$0\" \"$1\" \"$2\"", dll, $"{port}", burnMs.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;

    /// <summary>Starts a copy of yes(1) named <paramref name="name"/> (so attribution can match it), pinned to CPU 0.</summary>
    public static Process StartBurner(string dir, string name)
    {
        var path = Path.Combine(dir, name);
        File.Copy("/usr/bin/yes", path);

        // exec keeps the PID: the shell becomes taskset, which becomes the burner.
        return Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "exec taskset -c 0 \"$0\" > /dev/null", path]) { UseShellExecute = false })!;
    }

    /// <summary>
    /// Moves every thread of the daemon (<paramref name="pid"/>) off CPU 0, the loop's "GPU", onto the other CPUs
    /// it may run on; false, with nothing moved, when CPU 0 is all it may use. On a
    /// GPU host the daemon does not run on the GPU; here, unpinned, its throttler (two signals every 20 ms) and
    /// its reads would take slices of the service's CPU that no cap on the burner can give back. Threads started
    /// later inherit the mask. The test runner, which sends the load, is left unpinned: on one CPU with
    /// everything else its own stalls grew, and a stalled open-loop client sends its backlog as a burst.
    /// </summary>
    public static bool MoveOffCpu0(int pid) => MoveOffCpu0(pid, allThreads: true);

    /// <summary>
    /// Moves the thread of this process whose name begins <paramref name="name"/> (Linux keeps 15 characters of it)
    /// off CPU 0; false when there is no such thread or CPU 0 is all it may use. The benchmark's sweep runs the
    /// daemon's duty-cycle throttler in its own process: on CPU 0 its signals would wait behind the burner and the
    /// service, the burner's slices would stretch, and the sweep would measure a worse throttle than the daemon's.
    /// </summary>
    public static bool MoveThreadOffCpu0(string name)
    {
        var comm = name.Length > 15 ? name[..15] : name;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string found;
            try
            {
                found = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
            }
            catch (IOException)
            {
                continue; // the thread exited
            }

            if (found == comm)
            {
                return MoveOffCpu0(int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture), allThreads: false);
            }
        }

        return false;
    }

    private static bool MoveOffCpu0(int id, bool allThreads)
    {
        var shown = Taskset("-p", id.ToString(CultureInfo.InvariantCulture));
        var before = shown[(shown.LastIndexOf(':') + 1)..].Trim();
        var mask = BigInteger.Parse("0" + before.Replace(",", "", StringComparison.Ordinal), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var off = mask & ~BigInteger.One;
        if (off.IsZero)
        {
            return false;
        }

        var hex = off.ToString("x", CultureInfo.InvariantCulture).TrimStart('0');
        _ = allThreads ? Taskset("-a", "-p", hex, id.ToString(CultureInfo.InvariantCulture)) : Taskset("-p", hex, id.ToString(CultureInfo.InvariantCulture));
        return true;
    }

    private static string Taskset(params string[] args)
    {
        using var taskset = Process.Start(new ProcessStartInfo("taskset", args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        var output = taskset.StandardOutput.ReadToEnd();
        var error = taskset.StandardError.ReadToEnd();
        taskset.WaitForExit();
        return taskset.ExitCode == 0 ? output : throw new InvalidOperationException($"taskset {string.Join(' ', args)} exited {taskset.ExitCode}: {error}");
    }

    /// <summary>The stand-in's fixture: one GPU whose processes are the (real) service and burner.</summary>
    public static string[] Fixture(int service, int burner) =>
    [
        "gpu uuid=GPU-00000000-0000-4000-8000-00000000c0de name=\"NVIDIA A100-SXM4-40GB\" pci=00000000:17:00.0 memory=40960 sm_clock=1410 sm_clock_max=1410 power_max=400000 power_min=100000",
        $"process gpu=0 pid={service} name=latency-svc memory=1024 real=1",
        $"process gpu=0 pid={burner} name=noisy memory=1024 real=1",
    ];

    /// <summary>
    /// The throttle's SIGSTOP/SIGCONT period in the loop (<c>enforcement.throttlePeriod</c>), short against the
    /// service's 8 ms requests: the burner runs in slices of cap × period, and a request that meets a slice is
    /// slowed by it whatever the load, so at the daemon's default of 100 ms the p99 reads the slice length rather
    /// than the burner's share, and the target allows the burner 0.03 of the CPU instead of 0.16
    /// (docs/performance.md, "Latency loop"). The benchmark runs at this period; <c>LatencyClosedLoopTests</c> at
    /// 10 ms, for the margin its give-back step needs once the load falls (docs/policies.md).
    /// </summary>
    public static readonly TimeSpan ThrottlePeriod = TimeSpan.FromMilliseconds(20);

    /// <summary>The CPU the service burns per request, in milliseconds: with <see cref="Rate"/>, 30% of CPU 0.</summary>
    public const int BurnMs = 3;

    /// <summary>The mean request rate, per second: 400 requests in a <see cref="Window"/>, so its p99 is not one request.</summary>
    public const double Rate = 100;

    /// <summary>The policy's window: the p99 it judges is over the requests answered in it.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(4);

    /// <summary>The daemon's configuration: the service's p99 ≤ <paramref name="target"/> seconds, by throttling the burner.</summary>
    /// <param name="metrics">The service's metrics URL.</param>
    /// <param name="target">The p99 target, in seconds.</param>
    /// <param name="journal">The journal's path.</param>
    /// <param name="throttlePeriod">The SIGSTOP/SIGCONT period; <see cref="ThrottlePeriod"/> when null.</param>
    /// <param name="hysteresis">The policy's hysteresis: the loop holds while the p99 is within this fraction under the target.</param>
    /// <param name="window">The objective's window; <see cref="Window"/> when null.</param>
    public static string Config(string metrics, double target, string journal, TimeSpan? throttlePeriod = null, double hysteresis = 0.2, TimeSpan? window = null) => string.Create(CultureInfo.InvariantCulture, $$"""
        tenants:
          - {name: service, match: [{process: latency-svc}]}
          - {name: noisy, match: [{process: noisy}]}
        enforcement:
          journal: {{journal}}
          throttlePeriod: {{(throttlePeriod ?? ThrottlePeriod).TotalMilliseconds:0}}ms
        policies:
          - name: {{Policy}}
            tenant: service
            objectives:
              - {type: latency, source: 'scrape:{{metrics}}', metric: {{Metric}}, quantile: 0.99, latency: {{target * 1000:0.0}}ms, window: {{(window ?? Window).TotalSeconds:0}}s, minSamples: 20}
            for: 1s
            hysteresis: {{hysteresis}}
            cooldown: 2s
            actions:
              - {type: throttle, tenants: [noisy]}
        """);

    /// <summary>The policy's row in a <c>/api/v1/state</c> document.</summary>
    public static JsonElement Sla(JsonElement state) => state.GetProperty("sla").EnumerateArray().Single(r => r.GetProperty("policy").GetString() == Policy);

    /// <summary>The p99 the daemon judged, in seconds; null when it has none (the API leaves out a value it does not have).</summary>
    public static double? P99(JsonElement state) => Sla(state).TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    /// <summary>The burner's cap, 1 when no throttle holds it.</summary>
    public static double Cap(JsonElement state) =>
        !Sla(state).TryGetProperty("holds", out var holds) ? 1 : holds.EnumerateArray().Where(h => h.GetProperty("tenant").GetString() == "noisy").Select(h => h.GetProperty("cap").GetDouble()).DefaultIfEmpty(1).First();
}
