using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using GpuQos.Advisor.Readers;
using GpuQos.Daemon.Reports;

namespace GpuQos.Daemon.Tests.Fleet;

/// <summary>
/// Issue 23: the report reads a counter at the window's two ends where the same daemon ran throughout, and reads
/// every sample (<c>increase</c> range by range) only of the hosts where that does not hold: a restart, a host that
/// came inside the window, one that keeps no start time, one whose counter went down. Each host's GPU-hours must
/// be exact either way, against a made-up Prometheus that answers each query from the hosts' counters as functions
/// of time.
/// </summary>
public sealed partial class UsageReaderTests
{
    private static readonly DateTimeOffset From = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Until = From.AddDays(2);
    private static readonly double F = From.ToUnixTimeSeconds();

    [Fact]
    public async Task ReadAsync_SteadyAndRestartedHosts_ReadsOnlyTheOthersRangeByRange_AndEveryHostIsExact()
    {
        var prometheus = new CounterPrometheus(Fleet());

        var report = await Read(prometheus);

        AssertExact(report);
        Assert.Equal(["host-z:9450: GPU GPU-z: 2400.00 GPU-hours used in a range of 49.00 h"], report.SkippedHosts);
        Assert.Empty(report.FailedRanges);

        // Two one-day ranges, each counter's increase over the four hosts that need it, by name; the steady hosts
        // (six, and the broken one) are read only at the window's two ends.
        var increases = prometheus.Answers.Where(a => a.Query.Contains("increase(", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, increases.Count);
        Assert.All(increases, a => Assert.Equal(["host-b:9450", "host-c:9450", "host-d:9450", "host-e:9450"], a.Hosts));
        var ends = prometheus.Answers.Where(a => a.Query.Contains("last_over_time(gpuqos_tenant_", StringComparison.Ordinal)).ToList();
        Assert.Equal([From, From, Until, Until], ends.Select(a => a.At).Order());
    }

    [Fact]
    public async Task ReadAsync_NoStartTimesAnswered_ReadsEveryHostRangeByRange_AndEveryHostIsExact()
    {
        var prometheus = new CounterPrometheus(Fleet()) { FailStartTimes = true };

        var report = await Read(prometheus);

        AssertExact(report);
        var increases = prometheus.Answers.Where(a => a.Query.Contains("increase(", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, increases.Count);
        Assert.All(increases, a => Assert.DoesNotContain("instance=~", a.Query, StringComparison.Ordinal));
        Assert.DoesNotContain(prometheus.Answers, a => a.Query.Contains("last_over_time(gpuqos_tenant_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadAsync_CountersAtTheEndsFail_ReadsEveryHostRangeByRange_IncludingTheOneWithoutAStartTime()
    {
        var prometheus = new CounterPrometheus(Fleet()) { FailEnds = true };

        var report = await Read(prometheus);

        AssertExact(report);
        var increases = prometheus.Answers.Where(a => a.Query.Contains("increase(", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, increases.Count);
        Assert.All(increases, a => Assert.DoesNotContain("instance=~", a.Query, StringComparison.Ordinal));
    }

    /// <summary>Each host is its own tenant, used at 0.5 and reserved at 1 GPU-second per second while its daemon runs.</summary>
    private static List<Host> Fleet() =>
    [
        .. Enumerable.Range(0, 6).Select(i => new Host($"a{i}", [new(F - 3600, F + 172_801, 0, F - 3600)])),
        // Restarted 30 h in: the counters start again at 0, and so does the start time.
        new("b", [new(F - 7200, F + (30 * 3600), 0, F - 7200), new(F + (30 * 3600), F + 172_801, 0, F + (30 * 3600))]),
        // Started 10 h in: no series at the window's start.
        new("c", [new(F + 36_000, F + 172_801, 0, F + 36_000)]),
        // No start time kept (a relabelling dropped it): found by its counters.
        new("d", [new(F - 3600, F + 172_801, 0, null)]),
        // A counter that went down with the daemon still the same one.
        new("e", [new(F - 3600, F + (20 * 3600), 1e6, F - 3600), new(F + (20 * 3600), F + 172_801, 0, F - 3600)]),
        // Broken: 50 times more SM time than there is.
        new("z", [new(F - 3600, F + 172_801, 0, F - 3600)], Rate: 50),
    ];

    private static void AssertExact(UsageReport report)
    {
        var rows = report.Rows.ToDictionary(r => r.Key);
        var expected = new Dictionary<string, double>
        {
            ["team-a0"] = 24, ["team-a1"] = 24, ["team-a2"] = 24, ["team-a3"] = 24, ["team-a4"] = 24, ["team-a5"] = 24,
            ["team-b"] = 24, ["team-c"] = 19, ["team-d"] = 24, ["team-e"] = 24,
        };
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        foreach (var (tenant, used) in expected)
        {
            Assert.Equal(used, rows[tenant].UsedGpuHours, 6);
            Assert.Equal(2 * used, rows[tenant].ReservedGpuHours, 6);
        }
    }

    private static async Task<UsageReport> Read(CounterPrometheus prometheus)
    {
        using var http = new HttpClient(prometheus);
        var reader = new UsageReader(new PrometheusClient(http, new Uri("http://prometheus.test/")));
        return await reader.ReadAsync(new UsageRequest(From, Until, TimeSpan.FromDays(1), UsageGrouping.Tenant, 0, null), null, CancellationToken.None);
    }

    /// <summary>A daemon's run on a host: its counters are <c>Offset</c> at <c>Start</c> and grow from there until <c>End</c>.</summary>
    private sealed record Run(double Start, double End, double Offset, double? StartTime);

    private sealed record Host(string Name, IReadOnlyList<Run> Runs, double Rate = 0.5)
    {
        public string Instance => $"host-{Name}:9450";

        public Run? At(double t) => Runs.LastOrDefault(r => r.Start <= t && t < r.End);

        /// <summary>What a counter growing at <paramref name="rate"/> added in (a, b].</summary>
        public double Growth(double rate, double a, double b) => Runs.Sum(r => rate * Math.Max(0, Math.Min(b, r.End) - Math.Max(a, r.Start)));
    }

    /// <summary>
    /// Prometheus's <c>/api/v1/query</c> for the report's queries over <see cref="Host"/>s, with each query's
    /// evaluation time and the hosts its <c>instance=~</c> matcher selected recorded.
    /// </summary>
    private sealed partial class CounterPrometheus(IReadOnlyList<Host> hosts) : HttpMessageHandler
    {
        private readonly List<(string Query, DateTimeOffset At, List<string> Hosts)> _answers = [];

        public bool FailStartTimes { get; init; }

        public bool FailEnds { get; init; }

        public IReadOnlyList<(string Query, DateTimeOffset At, List<string> Hosts)> Answers
        {
            get
            {
                lock (_answers)
                {
                    return [.. _answers];
                }
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var fields = (await request.Content!.ReadAsStringAsync(cancellationToken)).Split('&').Select(p => p.Split('=', 2))
                .ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1].Replace('+', ' ')), StringComparer.Ordinal);
            var (query, t) = (fields["query"], double.Parse(fields["time"], CultureInfo.InvariantCulture));
            var matcher = InstanceMatcher().Match(query);
            var selected = hosts.Where(h => !matcher.Success || Regex.IsMatch(h.Instance, "^(?:" + matcher.Groups[1].Value.Replace("\\\\", "\\", StringComparison.Ordinal) + ")$", RegexOptions.None, TimeSpan.FromSeconds(1))).ToList();
            lock (_answers)
            {
                _answers.Add((query, DateTimeOffset.FromUnixTimeSeconds((long)t), [.. selected.Select(h => h.Instance)]));
            }

            var range = RangeSeconds().Match(query) is { Success: true } m ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            var rate = query.Contains("sm_seconds", StringComparison.Ordinal) ? 1.0 : 2.0;
            if (FailEnds && query.Contains("last_over_time(gpuqos_tenant_", StringComparison.Ordinal))
            {
                return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("""{"status":"error","error":"overloaded"}""") };
            }

            var samples = new List<string>();
            foreach (var host in selected)
            {
                var counter = $"\"instance\":\"{host.Instance}\",\"uuid\":\"GPU-{host.Name}\",\"tenant\":\"team-{host.Name}\",\"gpu_model\":\"NVIDIA A100-SXM4-40GB\"";
                var rateOf = rate * host.Rate;
                if (query.Contains("gpuqos_start_time_seconds", StringComparison.Ordinal))
                {
                    if (FailStartTimes)
                    {
                        return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("""{"status":"error","error":"overloaded"}""") };
                    }

                    // The census: the latest start time in (t - range, t]; at an instant: the run there.
                    var start = query.Contains("max_over_time", StringComparison.Ordinal)
                        ? host.Runs.Where(r => r.Start < t && r.End > t - range && r.StartTime is not null).Select(r => r.StartTime).Max()
                        : host.At(t)?.StartTime;
                    if (start is { } s)
                    {
                        samples.Add($"{{\"metric\":{{\"instance\":\"{host.Instance}\"}},\"value\":[{t},\"{s.ToString("R", CultureInfo.InvariantCulture)}\"]}}");
                    }
                }
                else if (query.Contains("last_over_time(", StringComparison.Ordinal) && host.At(t) is { } run)
                {
                    var value = run.Offset + (rateOf * (t - run.Start));
                    samples.Add($"{{\"metric\":{{{counter}}},\"value\":[{t},\"{value.ToString("R", CultureInfo.InvariantCulture)}\"]}}");
                }
                else if (query.Contains("increase(", StringComparison.Ordinal))
                {
                    var value = host.Growth(rateOf, t - range, t);
                    samples.Add($"{{\"metric\":{{{counter}}},\"value\":[{t},\"{value.ToString("R", CultureInfo.InvariantCulture)}\"]}}");
                }
            }

            var body = new StringBuilder("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[").AppendJoin(',', samples).Append("]}}");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body.ToString()) };
        }

        [GeneratedRegex("instance=~\"((?:[^\"\\\\]|\\\\.)*)\"")]
        private static partial Regex InstanceMatcher();

        [GeneratedRegex(@"\[(\d+)s\]")]
        private static partial Regex RangeSeconds();
    }
}
