using System.Text;
using GpuQos.Daemon.Exposition;
using Prometheus;
using GpuQos.Daemon.Tests.TestSupport;
using GpuQos.Model.Metrics;

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
    public async Task Update_PrepareRunsOutsideTheLock_ScrapesAreServedThePreviousUpdateMeanwhile()
    {
        // The daemon's advice takes tens of milliseconds on a large host. Computed under the update lock, it
        // held back every scrape that arrived meanwhile; Prepare runs before the lock is taken.
        var source = new ScriptedSource { Cycle = w => w.Write(Plain, 1) };
        PrometheusExporter? exporter = null;
        string? renderedDuringPrepare = null;
        var preparing = new PreparingSource(() =>
        {
            if (exporter!.UpdatesCompleted == 0)
            {
                return;
            }

            // A scrape on another thread: it must finish while this source is still preparing.
            var scrape = Task.Run(() =>
            {
                using var stream = new MemoryStream();
                exporter.Render(stream, Prometheus.ExpositionFormat.PrometheusText);
                return Encoding.UTF8.GetString(stream.ToArray());
            });
            Assert.True(scrape.Wait(TimeSpan.FromSeconds(10)), "the scrape waited for a source's Prepare");
            renderedDuringPrepare = scrape.Result;
        });
        exporter = new PrometheusExporter([source, preparing]);
        exporter.Update();

        source.Cycle = w => w.Write(Plain, 2);
        exporter.Update();

        Assert.Equal(2, preparing.Prepared);
        var during = Assert.Single(ExpositionParser.Parse(renderedDuringPrepare!), s => s.Name == Plain.Name);
        Assert.Equal(1, during.Value); // the previous update, whole
        var after = Assert.Single(await ScrapeAsync(exporter), s => s.Name == Plain.Name);
        Assert.Equal(2, after.Value);
    }

    [Fact]
    public async Task Update_SourceThrowsMidWrite_OthersCurrentItsSeriesKeptAndCounted()
    {
        // A bug in one source must not freeze /metrics, nor (through the watchdog) restart the daemon.
        var healthy = new ScriptedSource { Cycle = w => w.Write(Plain, 1) };
        var faulty = new OtherSource { Cycle = w => { w.Write(Other, 10, "a"); w.Write(Other, 20, "b"); } };
        var exporter = new PrometheusExporter([healthy, faulty]);
        Assert.Empty(exporter.Update());

        healthy.Cycle = w => w.Write(Plain, 2);
        faulty.Cycle = w =>
        {
            w.Write(Other, 11, "a");
            throw new InvalidOperationException("bug");
        };
        var failure = Assert.Single(exporter.Update());

        Assert.Equal(nameof(OtherSource), failure.Source);
        Assert.IsType<InvalidOperationException>(failure.Error);
        var samples = await ScrapeAsync(exporter, withSourceErrors: true);
        Assert.Equal(2, Assert.Single(samples, s => s.Name == Plain.Name).Value);
        Assert.Equal([("a", 11.0), ("b", 20.0)], Values(samples)); // what it wrote, and what it had
        Assert.Equal(2, exporter.UpdatesCompleted);
        Assert.Equal(1, Errors(samples, nameof(OtherSource)));
        Assert.Equal(0, Errors(samples, nameof(ScriptedSource)));

        // Back to normal: a series it no longer writes goes, as always.
        faulty.Cycle = w => w.Write(Other, 12, "a");
        Assert.Empty(exporter.Update());
        samples = await ScrapeAsync(exporter, withSourceErrors: true);
        Assert.Equal([("a", 12.0)], Values(samples));
        Assert.Equal(1, Errors(samples, nameof(OtherSource)));
    }

    [Fact]
    public async Task Update_PrepareThrows_SourceNotWrittenItsSeriesKept()
    {
        var faulty = new OtherSource { Cycle = w => w.Write(Other, 10, "a") };
        var exporter = new PrometheusExporter([faulty]);
        exporter.Update();

        faulty.Cycle = w => w.Write(Other, 99, "a");
        faulty.PrepareError = new InvalidOperationException("advice failed");
        var failure = Assert.Single(exporter.Update());

        Assert.Same(faulty.PrepareError, failure.Error);
        var samples = await ScrapeAsync(exporter, withSourceErrors: true);
        Assert.Equal([("a", 10.0)], Values(samples));
        Assert.Equal(1, Errors(samples, nameof(OtherSource)));
    }

    private static readonly MetricDefinition Other = new("gpuqos_test_other", MetricType.Gauge, "test", ["key"], "test");

    private static List<(string, double)> Values(IReadOnlyList<Sample> samples) =>
        [.. samples.Where(s => s.Name == Other.Name).Select(s => (s.Labels["key"], s.Value)).Order()];

    private static double Errors(IReadOnlyList<Sample> samples, string source) =>
        Assert.Single(samples, s => s.Name == ExpositionErrors.SourceErrors.Name && s.Labels["source"] == source).Value;

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

    [Fact]
    public async Task Update_SeriesWrittenInChangingOrders_ExposesExactlyWhatTheCycleWrote()
    {
        // The exporter expects each family's series in last cycle's order before it hashes labels. 200 cycles
        // of a random set of series, in an order that mostly repeats (as sources write) and sometimes is
        // shuffled, with series added and dropped, sometimes written twice, and label strings sometimes new.
        var random = new Random(1206);
        var source = new ScriptedSource();
        var exporter = new PrometheusExporter([source]);
        var pids = Enumerable.Range(0, 40).Select(i => (100 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var live = pids.Where(_ => random.Next(2) == 0).ToList();
        for (var cycle = 1; cycle <= 200; cycle++)
        {
            switch (random.Next(6))
            {
                case 0:
                    live = [.. live.OrderBy(_ => random.Next())];
                    break;
                case 1 when live.Count > 0:
                    live.RemoveAt(random.Next(live.Count));
                    break;
                case 2:
                    live.Insert(random.Next(live.Count + 1), pids[random.Next(pids.Length)]);
                    break;
            }

            var fresh = random.Next(5) == 0;
            var twice = live.Count > 0 && random.Next(4) == 0 ? live[random.Next(live.Count)] : null;
            var expected = new Dictionary<string, double>(StringComparer.Ordinal);
            source.Cycle = w =>
            {
                foreach (var pid in live)
                {
                    var label = fresh ? new string(pid.AsSpan()) : pid;
                    w.Write(Labelled, cycle, "0", label);
                    expected[pid] = cycle;
                }

                if (twice is not null)
                {
                    w.Write(Labelled, -cycle, "0", twice);
                    expected[twice] = -cycle;
                }

                if (cycle % 3 != 0)
                {
                    w.Write(Plain, cycle);
                }
            };
            exporter.Update();

            var samples = await ScrapeAsync(exporter);
            var got = samples.Where(x => x.Name == Labelled.Name).ToDictionary(x => x.Labels["pid"], x => x.Value, StringComparer.Ordinal);
            Assert.Equal(expected.OrderBy(kv => kv.Key), got.OrderBy(kv => kv.Key));
            Assert.Equal(cycle % 3 != 0, samples.Any(x => x.Name == Plain.Name));
        }
    }

    /// <summary>The exposed samples; without the exporter's own error counters unless asked for.</summary>
    private static Task<IReadOnlyList<Sample>> ScrapeAsync(PrometheusExporter exporter, bool withSourceErrors = false)
    {
        using var stream = new MemoryStream();
        exporter.Render(stream, ExpositionFormat.PrometheusText);
        var samples = ExpositionParser.Parse(Encoding.UTF8.GetString(stream.ToArray()));
        return Task.FromResult<IReadOnlyList<Sample>>(withSourceErrors ? samples : [.. samples.Where(s => s.Name != ExpositionErrors.SourceErrors.Name)]);
    }

    /// <summary>A source with no metrics of its own that runs an action when it is written.</summary>
    private sealed class ObservingSource(Action onWrite) : IMetricSource
    {
        public IReadOnlyList<MetricDefinition> Metrics { get; } = [];

        public void WriteTo(IMetricWriter writer) => onWrite();
    }

    /// <summary>A source with no metrics of its own whose Prepare runs an action.</summary>
    private sealed class PreparingSource(Action onPrepare) : IMetricSource
    {
        public int Prepared { get; private set; }

        public IReadOnlyList<MetricDefinition> Metrics { get; } = [];

        public void Prepare()
        {
            onPrepare();
            Prepared++;
        }

        public void WriteTo(IMetricWriter writer)
        {
        }
    }

    /// <summary>A second scripted source, with a family of its own and a Prepare that can fail.</summary>
    private sealed class OtherSource : IMetricSource
    {
        public Action<IMetricWriter> Cycle { get; set; } = _ => { };

        public Exception? PrepareError { get; set; }

        public IReadOnlyList<MetricDefinition> Metrics { get; } = [Other];

        public void Prepare()
        {
            if (PrepareError is not null)
            {
                throw PrepareError;
            }
        }

        public void WriteTo(IMetricWriter writer) => Cycle(writer);
    }

    private sealed class ScriptedSource : IMetricSource
    {
        public Action<IMetricWriter> Cycle { get; set; } = _ => { };

        public IReadOnlyList<MetricDefinition> Metrics { get; } = [Labelled, Total, Plain];

        public void WriteTo(IMetricWriter writer) => Cycle(writer);
    }
}
