using GpuQos.Backends.Simulation;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Exposition;
using GpuQos.Daemon.Hosting;
using GpuQos.Daemon.Tests.TestSupport;
using GpuQos.Model.Metrics;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Daemon.Tests.Exposition;

/// <summary>The sources are written into /metrics when a scrape asks, once per snapshot, between two cycles.</summary>
public sealed class ScrapeTimeExpositionTests
{
    [Fact]
    public async Task Cycles_WithoutAScrape_WriteOnlyTheFirstSnapshot_AndAScrapeBringsTheLatest()
    {
        var time = new FakeTimeProvider();
        await using var app = DemoHost.Build(time);
        var collection = app.Services.GetRequiredService<CollectionService>();
        var exposition = app.Services.GetRequiredService<ExpositionConsumer>();
        var store = app.Services.GetRequiredService<SnapshotStore>();

        for (var i = 0; i < 15; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            collection.RunCycle();
        }

        // The first snapshot at once (readiness, the first scrape); the fourteen after it for nobody: not written.
        Assert.Equal(1, exposition.Writes);

        var first = Scrape(app);
        var second = Scrape(app);

        Assert.Equal(2, exposition.Writes);
        Assert.Equal(store.Latest!.Sequence, Value(first, "gpuqos_collection_cycles_total"));
        Assert.Equal(store.Latest.Timestamp.ToUnixTimeMilliseconds() / 1000.0, Value(first, "gpuqos_last_collection_timestamp_seconds"));
        Assert.Equal(Value(first, "gpuqos_collection_cycles_total"), Value(second, "gpuqos_collection_cycles_total"));
    }

    [Fact]
    public async Task Refresh_ExpositionCurrent_ReturnsWithoutWaitingForACycleInProgress()
    {
        var time = new FakeTimeProvider();
        await using var app = DemoHost.Build(time);
        app.Services.GetRequiredService<CollectionService>().RunCycle();
        var exposition = app.Services.GetRequiredService<ExpositionConsumer>();
        var cycle = app.Services.GetRequiredService<CollectionCycle>();

        // A cycle in progress on another thread (a slow NVML read, say) holds the lock for as long as it takes.
        using var holding = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var slowCycle = Task.Factory.StartNew(
            () =>
            {
                lock (cycle.Lock)
                {
                    holding.Set();
                    release.Wait();
                }
            },
            TaskCreationOptions.LongRunning);
        holding.Wait();
        try
        {
            // The exposition holds the latest snapshot already, so a scrape has nothing to write and must not wait.
            var refresh = Task.Run(exposition.Refresh);
            var finished = await Task.WhenAny(refresh, Task.Delay(TimeSpan.FromSeconds(10)));
            Assert.Same(refresh, finished);
            Assert.Equal(1, exposition.Writes);
        }
        finally
        {
            release.Set();
            await slowCycle;
        }
    }

    [Fact]
    public async Task UsageCounters_ScrapedOnlyAtTheEnd_EqualThoseScrapedEveryCycle()
    {
        // The ledger integrates every snapshot itself: counters may not depend on how often anyone scrapes.
        var everyCycle = await RunDemo(cycles: 30, scrapeEveryCycle: true);
        var atTheEnd = await RunDemo(cycles: 30, scrapeEveryCycle: false);

        var usage = everyCycle.Where(s => s.Name == "gpuqos_tenant_sm_seconds_total").ToList();
        Assert.NotEmpty(usage);
        Assert.Contains(usage, s => s.Value > 0);
        foreach (var name in new[] { "gpuqos_tenant_sm_seconds_total", "gpuqos_tenant_memory_byte_seconds_total", "gpuqos_tenant_reserved_seconds_total" })
        {
            var expected = everyCycle.Where(s => s.Name == name).ToDictionary(Key, s => s.Value);
            var actual = atTheEnd.Where(s => s.Name == name).ToDictionary(Key, s => s.Value);
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var (key, value) in expected)
            {
                Assert.Equal(value, actual[key], 6);
            }
        }
    }

    [Fact]
    public async Task Scrapes_DuringCycles_NeverWriteTheSourcesInTheMiddleOfOne()
    {
        using var witness = new CycleWitness();
        var time = new FakeTimeProvider();
        var request = new RunRequest(ConfigLoader.Resolve(null, demoHost: true).Options, "test", BackendKind.Sim, null, "127.0.0.1:0");
        await using var app = DaemonHost.Build(request, new SimulatedBackend(ScenarioLoader.Demo(), time), time, configureServices: services =>
        {
            services.AddSingleton<ISnapshotConsumer>(witness);
            services.AddSingleton<IMetricSource>(witness);
        });
        var collection = app.Services.GetRequiredService<CollectionService>();
        var exposition = app.Services.GetRequiredService<ExpositionConsumer>();

        using var done = new CancellationTokenSource();
        var cycles = Task.Run(() =>
        {
            for (var i = 0; i < 40; i++)
            {
                time.Advance(TimeSpan.FromSeconds(1));
                collection.RunCycle();
            }

            done.Cancel();
        });
        var scrapes = 0;
        while (!done.IsCancellationRequested)
        {
            Scrape(app);
            scrapes++;
        }

        await cycles;
        Assert.True(exposition.Writes > 5, $"only {exposition.Writes} writes in {scrapes} scrapes: the scrapes did not meet the cycles");
        Assert.True(witness.Writes > 5);
        Assert.Equal(0, witness.WrittenMidCycle);
    }

    private static async Task<IReadOnlyList<Sample>> RunDemo(int cycles, bool scrapeEveryCycle)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero));
        await using var app = DemoHost.Build(time);
        var collection = app.Services.GetRequiredService<CollectionService>();
        for (var i = 0; i < cycles; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            collection.RunCycle();
            if (scrapeEveryCycle)
            {
                Scrape(app);
            }
        }

        return Scrape(app);
    }

    private static IReadOnlyList<Sample> Scrape(WebApplication app) => InProcessScrape.Samples(app.Services.GetRequiredService<ScrapeRenders>());

    private static double Value(IReadOnlyList<Sample> samples, string name) => samples.Single(s => s.Name == name).Value;

    private static string Key(Sample s) => string.Join(',', s.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    /// <summary>A consumer that takes its time inside each cycle, and a source that notes being written meanwhile.</summary>
    private sealed class CycleWitness : ISnapshotConsumer, IMetricSource, IDisposable
    {
        private static readonly MetricDefinition Witness = new("gpuqos_test_witness", MetricType.Gauge, "test", [], "test");
        private readonly ManualResetEventSlim _never = new();
        private volatile bool _inCycle;

        public string Name => "witness";

        public IReadOnlyList<MetricDefinition> Metrics { get; } = [Witness];

        public int Writes { get; private set; }

        public int WrittenMidCycle { get; private set; }

        public void Consume(HostSnapshot snapshot)
        {
            _inCycle = true;
            _never.Wait(15); // a consumer that takes its time

            _inCycle = false;
        }

        public void Dispose() => _never.Dispose();

        public void WriteTo(IMetricWriter writer)
        {
            Writes++;
            if (_inCycle)
            {
                WrittenMidCycle++;
            }

            writer.Write(Witness, 1);
        }
    }
}
