using GpuQos.Collectors.Collection;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Exposition;
using GpuQos.Daemon.Hosting;
using GpuQos.Daemon.Tests.TestSupport;
using GpuQos.Model.Metrics;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Logging;
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
        var logger = new RecordingLogger();
        var collection = new CollectionService(
            app.Services.GetRequiredService<CollectionPipeline>(),
            app.Services.GetRequiredService<SnapshotStore>(),
            new PrometheusExporter([source]),
            app.Services.GetRequiredService<IOptionsMonitor<GpuQosOptions>>(),
            time,
            logger);

        for (var cycle = 0; cycle < 3; cycle++)
        {
            collection.RunCycle(); // a failing source does not fail the cycle
        }

        fails = false;
        collection.RunCycle();
        collection.RunCycle();
        fails = true;
        collection.RunCycle();

        Assert.Equal([1003, 1004, 1003], logger.EventIds.Where(id => id is 1003 or 1004));
        Assert.NotNull(collection.LastCycle);
    }

    private sealed class FlakySource(Func<bool> fails) : IMetricSource
    {
        private static readonly MetricDefinition Flaky = new("gpuqos_test_flaky", MetricType.Gauge, "test", [], "test");

        public IReadOnlyList<MetricDefinition> Metrics { get; } = [Flaky];

        public void WriteTo(IMetricWriter writer)
        {
            if (fails())
            {
                throw new InvalidOperationException("bug");
            }

            writer.Write(Flaky, 1);
        }
    }

    private sealed class RecordingLogger : ILogger<CollectionService>
    {
        public List<int> EventIds { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            EventIds.Add(eventId.Id);
    }
}
