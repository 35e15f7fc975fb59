using System.Globalization;
using System.Net;
using GpuQos.Backends.Simulation;
using GpuQos.Backends.Simulation.Services;
using GpuQos.Model.Configuration;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace GpuQos.Collectors.Tests.Backends.Simulation.Services;

/// <summary>Simulated services: requests that queue for the share a workload gets, served as a real server's histogram.</summary>
public sealed class SimulatedServiceTests(ITestOutputHelper output)
{
    private const string Metric = "http_request_duration_seconds";

    private static readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private static string TwoTenants(string latency = "{rate: 60, serviceTime: 5ms, noise: 0}", string port = "") => $$"""
        seed: 7
        gpus:
          - model: A100-SXM4-80GB
            mode: time-sliced
            workloads:
              - name: search
                pid: 100
                demand: {kind: steady, level: 0.6, jitter: 0}
                latency: {{latency.TrimEnd('}')}}{{port}}}
              - name: batch
                pid: 200
                demand: {kind: steady, level: 0.95, jitter: 0}
        """;

    private static async Task<ScrapedHistogram> ScrapeAsync(SimulatedBackend backend, string name = "search") =>
        ScrapedHistogram.Parse(await _http.GetStringAsync(new Uri($"http://{backend.ServiceEndpoints[name]}/metrics")), Metric);

    [Fact]
    public async Task Scrape_NeighbourThrottled_P99FallsToWhatTheQueueAtTheNewShareGives()
    {
        var time = new FakeTimeProvider();
        using var backend = new SimulatedBackend(ScenarioLoader.Parse(TwoTenants(), "test"), time);
        Assert.Equal(IPAddress.Loopback, backend.ServiceEndpoints["search"].Address);

        // Ten seconds beside the neighbour, scraped each second as a daemon would read it.
        var start = await ScrapeAsync(backend);
        for (var i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            _ = await ScrapeAsync(backend);
        }

        var contended = await ScrapeAsync(backend);
        var shareContended = backend.ReadProcesses(0).Single(p => p.Pid == 100).SmUtilization!.Value;

        // The neighbour held to a fifth of its time: search gets its whole demand back.
        backend.SetDutyCycle(200, 0.2);
        for (var i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            _ = await ScrapeAsync(backend);
        }

        var throttled = await ScrapeAsync(backend);
        var shareThrottled = backend.ReadProcesses(0).Single(p => p.Pid == 100).SmUtilization!.Value;
        var p99Contended = contended.Quantile(0.99, start);
        var p99Throttled = throttled.Quantile(0.99, contended);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"share {shareContended:0.000} p99 {p99Contended:0.000}; throttled share {shareThrottled:0.000} p99 {p99Throttled:0.000}"));

        // 60 requests a second for 10 s each time; M/M/1 at mu = share / 5 ms gives p99 = ln(100) / (mu - 60).
        Assert.Equal(600, contended.Count - start.Count, 6);
        Assert.Equal(600, throttled.Count - contended.Count, 6);
        Assert.True(shareThrottled > shareContended + 0.05, $"share {shareContended} -> {shareThrottled}");
        static double MM1(double share) => Math.Log(100) / ((share / 0.005) - 60);
        Assert.InRange(p99Contended, MM1(shareContended) * 0.9, MM1(shareContended) * 1.1);
        Assert.InRange(p99Throttled, MM1(shareThrottled) * 0.9, MM1(shareThrottled) * 1.1);
        Assert.True(p99Throttled < p99Contended * 0.8, $"p99 {p99Contended} -> {p99Throttled}");
    }

    [Fact]
    public async Task Scrape_ProcessNotRunning_CountsNoRequests()
    {
        var time = new FakeTimeProvider();
        var yaml = TwoTenants().Replace("pid: 100\n", "pid: 100\n        stop: 5s\n", StringComparison.Ordinal);
        using var backend = new SimulatedBackend(ScenarioLoader.Parse(yaml, "test"), time);
        _ = await ScrapeAsync(backend);
        time.Advance(TimeSpan.FromSeconds(4));
        var running = await ScrapeAsync(backend);
        time.Advance(TimeSpan.FromSeconds(10));
        var stopped = await ScrapeAsync(backend);
        Assert.Equal(240, running.Count, 6);
        Assert.Equal(running.Count, stopped.Count);
    }

    [Fact]
    public async Task Get_AnyPathButMetrics_Is404()
    {
        using var backend = new SimulatedBackend(ScenarioLoader.Parse(TwoTenants(), "test"), new FakeTimeProvider());
        using var response = await _http.GetAsync(new Uri($"http://{backend.ServiceEndpoints["search"]}/"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public void Start_PortInUse_FailsNamingTheField()
    {
        using var first = new SimulatedBackend(ScenarioLoader.Parse(TwoTenants(), "test"), new FakeTimeProvider());
        var port = first.ServiceEndpoints["search"].Port;
        var ex = Assert.Throws<InvalidOperationException>(() => new SimulatedBackend(ScenarioLoader.Parse(TwoTenants(port: $", port: {port}"), "test"), new FakeTimeProvider()));
        Assert.Contains("gpus[0].workloads[0].latency.port", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Disposed_StopsListening()
    {
        var backend = new SimulatedBackend(ScenarioLoader.Parse(TwoTenants(), "test"), new FakeTimeProvider());
        var address = backend.ServiceEndpoints["search"];
        backend.Dispose();
        using var client = new System.Net.Sockets.TcpClient();
        Assert.ThrowsAny<System.Net.Sockets.SocketException>(() => client.Connect(address));
    }

    [Theory]
    [InlineData("{rate: 0}", "latency.Rate")]
    [InlineData("{serviceTime: 0s}", "latency.ServiceTime")]
    [InlineData("{metric: 'no spaces'}", "latency.Metric")]
    [InlineData("{port: 70000}", "latency.Port")]
    [InlineData("{noise: 0.9}", "latency.Noise")]
    public void Validate_BadLatencySetting_NamesTheField(string latency, string field)
    {
        var ex = Assert.Throws<ConfigException>(() => ScenarioLoader.Parse(TwoTenants(latency), "test"));
        Assert.Contains(ex.Errors, e => e.Path.Contains(field, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Validate_LatencyOnMpsOrBadName_NamesTheWorkload()
    {
        var mps = TwoTenants().Replace("mode: time-sliced", "mode: mps\n    mpsServerPid: 99", StringComparison.Ordinal);
        var ex = Assert.Throws<ConfigException>(() => ScenarioLoader.Parse(mps, "test"));
        Assert.Contains(ex.Errors, e => e.Path.EndsWith("workloads[0].latency", StringComparison.Ordinal) && e.Message.Contains("time-sliced", StringComparison.Ordinal));

        var badName = TwoTenants().Replace("name: search", "name: Search_1", StringComparison.Ordinal);
        ex = Assert.Throws<ConfigException>(() => ScenarioLoader.Parse(badName, "test"));
        Assert.Contains(ex.Errors, e => e.Path.EndsWith("workloads[0].name", StringComparison.Ordinal));
    }

    [Fact]
    public void Names_ResolveOnlySimulatedServiceHosts()
    {
        var resolve = SimulatedServiceNames.Resolver(new Dictionary<string, IPEndPoint> { ["search"] = new(IPAddress.Loopback, 4242) });
        Assert.Equal(4242, resolve("search.sim.localhost")?.Port);
        Assert.Equal(4242, resolve("SEARCH.sim.localhost")?.Port);
        Assert.Null(resolve("other.sim.localhost"));
        Assert.Null(resolve("search.example.com"));
        Assert.Null(resolve(".sim.localhost"));
        Assert.Equal(new Uri("http://search.sim.localhost/metrics"), SimulatedServiceNames.MetricsUrl("search"));
    }
}
