using System.Diagnostics;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Tests.TestSupport;
using GpuQos.Enforcer.Workload;

namespace GpuQos.Enforcer.Tests.Workload;

public sealed class ScrapeReaderTests
{
    private static readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };

    [Fact]
    public async Task ReadAsync_ServingEndpoint_ReturnsTheKeptSamples()
    {
        await using var server = new LoopbackMetrics(() => "# TYPE a counter\na_total 7\nb_total 9\n");
        var reader = new ScrapeReader(_http, new WorkloadMetricsOptions());

        var samples = await reader.ReadAsync(Source(server), n => n == "a_total", CancellationToken.None);

        Assert.Equal(7, Assert.Single(samples).Value);
    }

    [Fact]
    public async Task ReadAsync_EndpointSlowerThanTimeout_FailsWithinAboutTheTimeout()
    {
        await using var server = new LoopbackMetrics(() => "a 1\n") { Delay = TimeSpan.FromSeconds(30) };
        var reader = new ScrapeReader(_http, new WorkloadMetricsOptions { Timeout = TimeSpan.FromMilliseconds(300) });
        var watch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<WorkloadReadException>(() => reader.ReadAsync(Source(server), _ => true, CancellationToken.None));

        Assert.Contains("did not answer within 0.3 s", ex.Message, StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task ReadAsync_PageOverMaxBytes_FailsNamingTheCap()
    {
        // No Content-Length (Connection: close), so the cap is enforced while reading.
        var page = string.Concat(Enumerable.Range(0, 200).Select(i => $"m{{i=\"{i}\"}} 1\n"));
        await using var server = new LoopbackMetrics(() => page);
        var reader = new ScrapeReader(_http, new WorkloadMetricsOptions { MaxBytes = 1024 });

        var ex = await Assert.ThrowsAsync<WorkloadReadException>(() => reader.ReadAsync(Source(server), _ => true, CancellationToken.None));

        Assert.Contains("more than maxBytes 1024", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_ErrorStatus_FailsNamingIt()
    {
        await using var server = new LoopbackMetrics(() => "") { Status = 503 };
        var reader = new ScrapeReader(_http, new WorkloadMetricsOptions());

        var ex = await Assert.ThrowsAsync<WorkloadReadException>(() => reader.ReadAsync(Source(server), _ => true, CancellationToken.None));

        Assert.Contains("503", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_NotPrometheusText_FailsNamingTheLine()
    {
        await using var server = new LoopbackMetrics(() => "<html>\n");
        var reader = new ScrapeReader(_http, new WorkloadMetricsOptions());

        var ex = await Assert.ThrowsAsync<WorkloadReadException>(() => reader.ReadAsync(Source(server), _ => true, CancellationToken.None));

        Assert.Contains("is not Prometheus text: line 1", ex.Message, StringComparison.Ordinal);
    }

    private static WorkloadSource Source(LoopbackMetrics server) => new(WorkloadSource.Scrape, server.Url.ToString());
}
