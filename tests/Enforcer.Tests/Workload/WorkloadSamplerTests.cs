using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Tests.TestSupport;
using GpuQos.Enforcer.Workload;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Enforcer.Tests.Workload;

public sealed class WorkloadSamplerTests
{
    private static readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task ReadOnce_TwoSources_OneHung_TheOtherIsReadAndTheHungOneFails()
    {
        await using var good = new LoopbackMetrics(() => "rpc_seconds_count 5\nrpc_seconds_sum 1\nother 3\n");
        await using var hung = new LoopbackMetrics(() => "rpc_seconds_count 5\n") { Delay = TimeSpan.FromSeconds(30) };
        var readings = new WorkloadReadings(_time);
        var sampler = new WorkloadSampler(readings, [new ScrapeReader(_http, new WorkloadMetricsOptions { Timeout = TimeSpan.FromMilliseconds(300) })], NullLogger<WorkloadSampler>.Instance);
        PolicyOptions[] policies = [Policy("a", good.Url), Policy("b", hung.Url)];

        await sampler.ReadOnceAsync(policies, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        var status = readings.Status().ToDictionary(s => s.Source);
        Assert.Equal(1, status[$"scrape:{good.Url}"].Reads);
        Assert.Equal(0, status[$"scrape:{good.Url}"].Failures);
        Assert.Equal(1, status[$"scrape:{hung.Url}"].Failures);
        Assert.Contains("did not answer", status[$"scrape:{hung.Url}"].LastError, StringComparison.Ordinal);

        // Only the objective's metrics are kept.
        var kept = readings.Since(new WorkloadSource(WorkloadSource.Scrape, good.Url.ToString()), _time.GetUtcNow().AddMinutes(-1));
        Assert.Equal(["rpc_seconds_count", "rpc_seconds_sum"], Assert.Single(kept).Samples.Select(s => s.Name).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task ReadOnce_PreviousReadStillRunning_IsNotStartedAgain()
    {
        await using var slow = new LoopbackMetrics(() => "rpc_seconds_count 5\n") { Delay = TimeSpan.FromSeconds(2) };
        var readings = new WorkloadReadings(_time);
        var sampler = new WorkloadSampler(readings, [new ScrapeReader(_http, new WorkloadMetricsOptions { Timeout = TimeSpan.FromSeconds(30) })], NullLogger<WorkloadSampler>.Instance);
        PolicyOptions[] policies = [Policy("a", slow.Url)];

        var first = sampler.ReadOnceAsync(policies, CancellationToken.None);
        var second = sampler.ReadOnceAsync(policies, CancellationToken.None);
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(second.IsCompletedSuccessfully);
        Assert.Equal(1, slow.Requests);
        Assert.Equal(1, readings.Status()[0].Reads);
    }

    [Fact]
    public async Task ReadOnce_PrometheusSourceWithoutReader_FailsThatSourceAlone()
    {
        var readings = new WorkloadReadings(_time);
        var sampler = new WorkloadSampler(readings, [], NullLogger<WorkloadSampler>.Instance);
        var policy = new PolicyOptions
        {
            Name = "p",
            Tenant = "t",
            Objectives = [new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.Latency, Source = "prometheus:up", Latency = TimeSpan.FromSeconds(1) }],
        };

        await sampler.ReadOnceAsync([policy], CancellationToken.None);

        Assert.Contains("no reader for prometheus", Assert.Single(readings.Status()).LastError, StringComparison.Ordinal);
    }

    private static PolicyOptions Policy(string name, Uri url) => new()
    {
        Name = name,
        Tenant = "t",
        Objectives = [new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.Latency, Source = $"scrape:{url}", Metric = "rpc_seconds", Latency = TimeSpan.FromSeconds(1) }],
    };
}
