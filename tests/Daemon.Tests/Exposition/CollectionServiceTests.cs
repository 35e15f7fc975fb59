using GpuQos.Collectors.Exposition;
using GpuQos.Collectors.Collection;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Exposition;
using GpuQos.Daemon.Hosting;
using GpuQos.Daemon.Tests.Observability;
using GpuQos.Daemon.Tests.TestSupport;
using GpuQos.Model.Metrics;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Daemon.Tests.Exposition;

public sealed class CollectionServiceTests
{
    [Fact]
    public async Task RunCycle_MetricSourceFailing_LoggedWhenTheOutageStartsAndEndsNotEveryCycle()
    {
        var time = new FakeTimeProvider();
        await using var app = DemoHost.Build(time);
        var fails = true;
        var source = new FlakySource(() => fails);
        var logger = new RecordingLogger<ExpositionConsumer>();
        var cycle = new CollectionCycle();
        var exposition = new ExpositionConsumer(new PrometheusExporter([source]), cycle, logger);
        var collection = Collection(app, time, [exposition], new SnapshotConsumerMetrics(), cycle);
        void CycleAndScrape()
        {
            collection.RunCycle(); // a failing source does not fail the cycle
            exposition.Refresh();
        }

        for (var i = 0; i < 3; i++)
        {
            CycleAndScrape();
        }

        fails = false;
        CycleAndScrape();
        CycleAndScrape();
        fails = true;
        CycleAndScrape();

        Assert.Equal([1003, 1004, 1003], logger.EventIds.Where(id => id is 1003 or 1004));
        Assert.NotNull(collection.LastCycle);
    }

    [Fact]
    public async Task Refresh_TwoSourcesFailingAndOneRecovers_LogsTheRecoveryOfThatOneOnly()
    {
        var time = new FakeTimeProvider();
        await using var app = DemoHost.Build(time);
        var secondFails = true;
        var logger = new RecordingLogger<ExpositionConsumer>();
        var cycle = new CollectionCycle();
        var exposition = new ExpositionConsumer(new PrometheusExporter([new FlakySource(() => true), new SecondFlakySource(() => secondFails)]), cycle, logger);
        var collection = Collection(app, time, [exposition], new SnapshotConsumerMetrics(), cycle);

        collection.RunCycle();
        secondFails = false;
        collection.RunCycle();
        exposition.Refresh();
        collection.RunCycle();
        exposition.Refresh();

        Assert.Equal([1003, 1003, 1004], logger.EventIds.Where(id => id is 1003 or 1004));
    }

    [Fact]
    public async Task RunCycle_ConsumerThrows_CostsOnlyItself_ExpositionAndLaterConsumersStillRunEveryCycle()
    {
        var time = new FakeTimeProvider();
        await using var app = DemoHost.Build(time);
        var metrics = new SnapshotConsumerMetrics();
        var store = app.Services.GetRequiredService<SnapshotStore>();
        var exporter = new PrometheusExporter([new CollectorMetrics(store, new BackendErrorCounter()), metrics]);
        var broken = new ThrowingConsumer();
        var after = new CountingConsumer();
        var logger = new RecordingLogger<SnapshotConsumers>();
        var cycleLock = new CollectionCycle();
        var exposition = new ExpositionConsumer(exporter, cycleLock, NullLogger<ExpositionConsumer>.Instance);
        var consumers = new SnapshotConsumers([broken, exposition, after], metrics, time, logger);
        var collection = new CollectionService(
            app.Services.GetRequiredService<CollectionPipeline>(), store, consumers, cycleLock,
            app.Services.GetRequiredService<IOptionsMonitor<GpuQosOptions>>(), time, NullLogger<CollectionService>.Instance);

        for (var cycle = 1; cycle <= 3; cycle++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            collection.RunCycle();

            // /metrics shows this cycle even though the consumer before exposition threw in it.
            var samples = Scrape(exporter, exposition);
            Assert.Equal(store.Latest!.Sequence, Value(samples, "gpuqos_collection_cycles_total"));
            Assert.Equal(cycle, after.Seen);
        }

        Assert.Equal(["broken", "exposition", "after"], consumers.Names);
        Assert.Equal(3, metrics.ErrorsOf("broken"));
        Assert.Equal(0, metrics.ErrorsOf("exposition"));
        Assert.Equal(0, metrics.ErrorsOf("after"));

        // The error counter is on /metrics by consumer (written by the exposition of the cycle after each throw).
        var last = Scrape(exporter, exposition);
        Assert.Equal(3, Value(last, "gpuqos_snapshot_consumer_errors_total", "broken"));
        Assert.Equal(0, Value(last, "gpuqos_snapshot_consumer_errors_total", "after"));
        Assert.Contains(last, s => s.Name == "gpuqos_snapshot_consumer_duration_seconds" && s.Labels["consumer"] == "exposition");

        // Logged once for the outage, and once when it ends.
        broken.Fails = false;
        collection.RunCycle();
        Assert.Equal([1005, 1006], logger.EventIds);
    }

    [Fact]
    public async Task Daemon_ConsumersAreUsageLedgerExpositionOpenTelemetryTenantCatalogueEnforcementAdvisorHistory_InThatOrder()
    {
        var options = ObservabilityConfig.Demo(new ObservabilityOptions { OtelPrometheusPath = "/otel/metrics" });
        await using var app = DemoHost.Build(new FakeTimeProvider(), options: options);
        Assert.Equal(["usage-ledger", "exposition", "opentelemetry", "tenant-catalogue", "enforcement", "advisor-history"], app.Services.GetRequiredService<SnapshotConsumers>().Names);
    }

    private static CollectionService Collection(WebApplication app, TimeProvider time, ISnapshotConsumer[] consumers, SnapshotConsumerMetrics metrics, CollectionCycle cycle) => new(
        app.Services.GetRequiredService<CollectionPipeline>(),
        app.Services.GetRequiredService<SnapshotStore>(),
        new SnapshotConsumers(consumers, metrics, time, NullLogger<SnapshotConsumers>.Instance),
        cycle,
        app.Services.GetRequiredService<IOptionsMonitor<GpuQosOptions>>(),
        time,
        NullLogger<CollectionService>.Instance);

    private static IReadOnlyList<Sample> Scrape(PrometheusExporter exporter, ExpositionConsumer exposition)
    {
        exposition.Refresh();
        using var stream = new MemoryStream();
        exporter.Render(stream, Prometheus.ExpositionFormat.PrometheusText);
        return ExpositionParser.Parse(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static double Value(IReadOnlyList<Sample> samples, string name, string? consumer = null) =>
        samples.Single(s => s.Name == name && (consumer is null || s.Labels["consumer"] == consumer)).Value;

    private sealed class ThrowingConsumer : ISnapshotConsumer
    {
        public bool Fails { get; set; } = true;

        public string Name => "broken";

        public void Consume(HostSnapshot snapshot)
        {
            if (Fails)
            {
                throw new InvalidOperationException("bug in a consumer");
            }
        }
    }

    private sealed class CountingConsumer : ISnapshotConsumer
    {
        public int Seen { get; private set; }

        public string Name => "after";

        public void Consume(HostSnapshot snapshot) => Seen++;
    }

    // A second type: failures are counted and logged by the source's type name.
    private sealed class SecondFlakySource(Func<bool> fails) : FlakySource(fails, "gpuqos_test_flaky_second");

    private class FlakySource(Func<bool> fails, string name = "gpuqos_test_flaky") : IMetricSource
    {
        private readonly MetricDefinition _flaky = new(name, MetricType.Gauge, "test", [], "test");

        public IReadOnlyList<MetricDefinition> Metrics => [_flaky];

        public void WriteTo(IMetricWriter writer)
        {
            if (fails())
            {
                throw new InvalidOperationException("bug");
            }

            writer.Write(_flaky, 1);
        }
    }

    private sealed class RecordingLogger<T> : ILogger<T>
    {
        public List<int> EventIds { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            EventIds.Add(eventId.Id);
    }
}
