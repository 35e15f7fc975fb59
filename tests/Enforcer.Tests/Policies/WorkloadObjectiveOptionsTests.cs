using GpuQos.Model.Configuration;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Tests.Policies;

public sealed class WorkloadObjectiveOptionsTests
{
    private static IReadOnlyList<ConfigError> Errors(string objective) =>
        YamlBinder.Bind<PolicyOptions>($"name: p\ntenant: t\nobjectives:\n  - {objective}\n").Errors;

    [Fact]
    public void Bind_LatencyObjective_BindsEveryField()
    {
        var (policy, errors) = YamlBinder.Bind<PolicyOptions>("""
            name: search-p99
            tenant: search
            objectives:
              - type: latency
                source: scrape:http://127.0.0.1:8080/metrics
                metric: http_request_duration_seconds
                selector: {route: /search}
                quantile: 0.99
                latency: 50ms
                window: 30s
                minSamples: 20
            actions: [{type: throttle}]
            """);

        Assert.Empty(errors);
        var o = policy!.Objectives[0];
        Assert.Equal(TimeSpan.FromMilliseconds(50), o.Latency);
        Assert.Equal("/search", o.Selector["route"]);
        Assert.Equal(0.99, o.Quantile);
        Assert.Equal("http://127.0.0.1:8080/metrics", o.ParsedSource!.Url.ToString());
    }

    [Theory]
    [InlineData("{type: latency, metric: m, latency: 50ms}", "objectives[0].source", "source is required")]
    [InlineData("{type: latency, source: 'http://x/metrics', metric: m, latency: 50ms}", "objectives[0].source", "must start with scrape: or prometheus:")]
    [InlineData("{type: latency, source: 'scrape:ftp://x/metrics', metric: m, latency: 50ms}", "objectives[0].source", "absolute http or https URL")]
    [InlineData("{type: latency, source: 'prometheus:', latency: 50ms}", "objectives[0].source", "needs a PromQL query")]
    [InlineData("{type: latency, source: 'scrape:http://x/metrics', latency: 50ms}", "objectives[0].metric", "needs metric")]
    [InlineData("{type: latency, source: 'scrape:http://x/metrics', metric: 'a-b', latency: 50ms}", "objectives[0].metric", "not a Prometheus metric name")]
    [InlineData("{type: latency, source: 'scrape:http://x/metrics', metric: m}", "objectives[0].latency", "needs latency")]
    [InlineData("{type: latency, source: 'scrape:http://x/metrics', metric: m, latency: 50ms, quantile: 1}", "objectives[0].quantile", "between 0 and 1")]
    [InlineData("{type: latency, source: 'scrape:http://x/metrics', metric: m, latency: 50ms, unit: hours}", "objectives[0].unit", "seconds, milliseconds or microseconds")]
    [InlineData("{type: latency, source: 'scrape:http://x/metrics', metric: m, latency: 50ms, minSamples: 0}", "objectives[0].minSamples", "1 or more")]
    [InlineData("{type: latency, source: 'scrape:http://x/metrics', metric: m, latency: 50ms, quantile: 0.99, confidence: 1}", "objectives[0].confidence", "below 1")]
    [InlineData("{type: latency, source: 'scrape:http://x/metrics', metric: m, latency: 50ms, quantile: 0.99, confidence: -0.1}", "objectives[0].confidence", "at least 0")]
    [InlineData("{type: latency, source: 'scrape:http://x/metrics', metric: m, latency: 50ms, confidence: 0.9}", "objectives[0].confidence", "applies to a quantile")]
    [InlineData("{type: latency, source: 'prometheus:up', latency: 50ms, confidence: 0.9}", "objectives[0].confidence", "the query computes the value")]
    [InlineData("{type: throughput, source: 'scrape:http://x/metrics', metric: m, rate: 5, confidence: 0.9}", "objectives[0].confidence", "throughput does not use confidence")]
    [InlineData("{type: max-memory, bytes: 1GiB, confidence: 0.9}", "objectives[0].confidence", "max-memory does not use confidence")]
    [InlineData("{type: latency, source: 'scrape:http://x/metrics', metric: m, latency: 50ms, selector: {le: '0.1'}}", "objectives[0].selector.le", "cannot pick le")]
    [InlineData("{type: latency, source: 'scrape:http://x/metrics', metric: m, latency: 50ms, selector: {'a-b': x}}", "objectives[0].selector.a-b", "not a Prometheus label name")]
    [InlineData("{type: latency, source: 'scrape:http://x/metrics', metric: m, latency: 50ms, share: 0.5}", "objectives[0].share", "does not use share")]
    [InlineData("{type: latency, source: 'scrape:http://x/metrics', metric: m, latency: 50ms, rate: 5}", "objectives[0].rate", "does not use rate")]
    [InlineData("{type: latency, source: 'prometheus:up', latency: 50ms, quantile: 0.99}", "objectives[0].quantile", "the query computes the value")]
    [InlineData("{type: throughput, source: 'scrape:http://x/metrics', metric: m}", "objectives[0].rate", "needs rate")]
    [InlineData("{type: throughput, source: 'scrape:http://x/metrics', metric: m, rate: -1}", "objectives[0].rate", "got -1")]
    [InlineData("{type: throughput, source: 'scrape:http://x/metrics', metric: m, rate: 5, latency: 1s}", "objectives[0].latency", "throughput does not use latency")]
    [InlineData("{type: min-sm-share, share: 0.3, source: 'scrape:http://x/metrics'}", "objectives[0].source", "min-sm-share does not use source")]
    public void Validate_BadField_ErrorNamesTheField(string objective, string path, string message)
    {
        var errors = Errors(objective);

        var error = Assert.Single(errors, e => e.Path == path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ManyBadFields_ReportsEveryOne()
    {
        var errors = Errors("{type: latency, source: 'scrape:nope', quantile: 2, unit: hours}");

        Assert.Equal(
            ["objectives[0].latency", "objectives[0].quantile", "objectives[0].source", "objectives[0].unit"],
            errors.Select(e => e.Path).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void Validate_WorkloadMetricsSettings_NameTheirFields()
    {
        var errors = YamlBinder.Bind<WorkloadMetricsOptions>("timeout: 0s\nmaxBytes: 10\nprometheus: 'not a url'\n").Errors;

        Assert.Equal(["maxBytes", "prometheus", "timeout"], errors.Select(e => e.Path).Order(StringComparer.Ordinal).ToArray());
    }
}
