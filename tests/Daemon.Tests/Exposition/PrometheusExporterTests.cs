using System.Text;
using GpuQos.Collectors.Exposition;
using GpuQos.Daemon.Exposition;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Exposition;

/// <summary>The exporter's series bookkeeping: a series is found again by its label values, and vanishes with its writer.</summary>
public sealed class PrometheusExporterTests
{
    private static readonly MetricDefinition Labelled = new("gpuqos_test_labelled", MetricType.Gauge, "test", ["gpu", "pid"], "test");
    private static readonly MetricDefinition Total = new("gpuqos_test_total", MetricType.Counter, "test", ["gpu"], "test");
    private static readonly MetricDefinition Plain = new("gpuqos_test_plain", MetricType.Gauge, "test", [], "test");

    [Fact]
    public async Task Update_SameLabelValuesFromNewStrings_OneSeriesWithTheLatestValue()
    {
        var source = new ScriptedSource();
        var exporter = new PrometheusExporter([source]);
        source.Cycle = w => w.Write(Labelled, 1, "0", "100");
        exporter.Update();

        // Equal label values built as new strings must find the same series, not add a second one.
        source.Cycle = w => w.Write(Labelled, 2, new string('0', 1), string.Concat("10", "0"));
        exporter.Update();

        var samples = await ScrapeAsync(exporter);
        var sample = Assert.Single(samples, s => s.Name == Labelled.Name);
        Assert.Equal(2, sample.Value);
        Assert.Equal("100", sample.Labels["pid"]);
    }

    [Fact]
    public void UpdatesCompleted_CountsAnUpdateOnlyOnceEverySourceWrote()
    {
        // /readyz waits for the first completed update: while the last source of the first cycle is still
        // writing (the daemon's advice, slow on its first run), a scrape would miss its series.
        PrometheusExporter? exporter = null;
        var seenWhileWriting = new List<long>();
        var first = new ScriptedSource { Cycle = w => w.Write(Plain, 1) };
        var last = new ObservingSource(() => seenWhileWriting.Add(exporter!.UpdatesCompleted));
        exporter = new PrometheusExporter([first, last]);
        Assert.Equal(0, exporter.UpdatesCompleted);

        exporter.Update();
        exporter.Update();

        Assert.Equal([0L, 1L], seenWhileWriting);
        Assert.Equal(2, exporter.UpdatesCompleted);
    }

    [Fact]
    public async Task Update_SeriesNotWrittenInACycle_RemovedThenBackWhenWrittenAgain()
    {
        var source = new ScriptedSource();
        var exporter = new PrometheusExporter([source]);
        source.Cycle = w =>
        {
            w.Write(Labelled, 1, "0", "100");
            w.Write(Labelled, 1, "0", "101");
            w.Write(Total, 5, "0");
            w.Write(Plain, 7);
        };
        exporter.Update();
        Assert.Equal(4, (await ScrapeAsync(exporter)).Count);

        source.Cycle = w => w.Write(Labelled, 3, "0", "101");
        exporter.Update();
        var after = await ScrapeAsync(exporter);
        Assert.Equal(["101"], after.Where(s => s.Name == Labelled.Name).Select(s => s.Labels["pid"]));
        Assert.DoesNotContain(after, s => s.Name == Total.Name || s.Name == Plain.Name);

        source.Cycle = w =>
        {
            w.Write(Labelled, 4, "0", "100");
            w.Write(Total, 6, "0");
            w.Write(Plain, 8);
        };
        exporter.Update();
        var back = await ScrapeAsync(exporter);
        Assert.Equal(["100"], back.Where(s => s.Name == Labelled.Name).Select(s => s.Labels["pid"]));
        Assert.Equal(6, Assert.Single(back, s => s.Name == Total.Name).Value);
        Assert.Equal(8, Assert.Single(back, s => s.Name == Plain.Name).Value);
    }

    [Fact]
    public async Task Write_NonFiniteValue_SeriesNotWritten()
    {
        var source = new ScriptedSource { Cycle = w => w.Write(Labelled, double.NaN, "0", "100") };
        var exporter = new PrometheusExporter([source]);
        exporter.Update();
        Assert.Empty(await ScrapeAsync(exporter));
    }

    private static async Task<IReadOnlyList<Sample>> ScrapeAsync(PrometheusExporter exporter)
    {
        using var stream = new MemoryStream();
        await exporter.Registry.CollectAndExportAsTextAsync(stream);
        return ExpositionParser.Parse(Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>A source with no metrics of its own that runs an action when it is written.</summary>
    private sealed class ObservingSource(Action onWrite) : IMetricSource
    {
        public IReadOnlyList<MetricDefinition> Metrics { get; } = [];

        public void WriteTo(IMetricWriter writer) => onWrite();
    }

    private sealed class ScriptedSource : IMetricSource
    {
        public Action<IMetricWriter> Cycle { get; set; } = _ => { };

        public IReadOnlyList<MetricDefinition> Metrics { get; } = [Labelled, Total, Plain];

        public void WriteTo(IMetricWriter writer) => Cycle(writer);
    }
}
