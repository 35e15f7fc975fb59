using System.Text;
using GpuQos.Daemon.Exposition;
using GpuQos.Daemon.Tests.Observability;
using GpuQos.Model.Metrics;
using Prometheus;

namespace GpuQos.Daemon.Tests.Exposition;

/// <summary>
/// The exporter's own text (<see cref="ExposedFamily"/>, <see cref="ExpositionText"/>) against what prometheus-net
/// wrote for the same series before (<see cref="PrometheusNetExposition"/>), and the escaping both formats require.
/// </summary>
public sealed class OwnedExpositionTests
{
    private static readonly MetricDefinition Gauge = new("gpuqos_test_value_ratio", MetricType.Gauge, "A gauge.", ["gpu", "name"], "test");
    private static readonly MetricDefinition Counter = new("gpuqos_test_events_total", MetricType.Counter, "A counter.", ["gpu"], "test");
    private static readonly MetricDefinition Plain = new("gpuqos_test_plain_seconds", MetricType.Gauge, "An unlabelled gauge.", [], "test");
    private static readonly MetricDefinition Never = new("gpuqos_test_never_bytes", MetricType.Gauge, "A family nothing writes.", ["gpu"], "test");

    // Label values a host can carry: quotes, backslashes and newlines in a process name, non-ASCII, empty.
    private static readonly string[] Names = ["python", "say \"hi\"", @"C:\bin\x.exe", "two\nlines", "trailing\\", "naïve-ünïcode", "", "a\\\"b\n"];

    // Whole, fractional, tiny, huge and negative values, and the boundaries of the integer fast path.
    private static readonly double[] Values =
        [0, 1, -1, 0.5, 0.1 + 0.2, 1e-7, 1e21, 123456789012, 9007199254740991, 9007199254740992, 1e16, 1e17, -5e16, 12345.678, double.MaxValue, double.Epsilon, 3.0000000000000004, -0.0];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Render_RandomCycles_SameFamiliesAndSamplesAsPrometheusNet_InBothFormats(int seed)
    {
        var random = new Random(seed);
        var source = new RandomSource(random);
        var exporter = new PrometheusExporter([source]);
        var reference = new PrometheusNetExposition([source]);
        for (var cycle = 0; cycle < 60; cycle++)
        {
            source.NextCycle();
            exporter.Update();
            reference.Update(); // the same cycle again: a source writes what it holds

            foreach (var format in new[] { ExpositionFormat.PrometheusText, ExpositionFormat.OpenMetricsText })
            {
                var ours = Blocks(RenderOwned(exporter, format), skip: ExpositionErrors.SourceErrors.Name);
                var theirs = Blocks(RenderReference(reference, format), skip: null);
                Assert.Equal(theirs.Select(b => b.Header), ours.Select(b => b.Header));
                for (var i = 0; i < theirs.Count; i++)
                {
                    Assert.Equal(theirs[i].Samples, ours[i].Samples);
                }
            }
        }
    }

    [Fact]
    public void Render_LabelValuesWithQuotesBackslashesNewlines_EscapedAndReadBackExactly()
    {
        var exporter = new PrometheusExporter([new FixedSource(w =>
        {
            for (var i = 0; i < Names.Length; i++)
            {
                w.Write(Gauge, i, "0", Names[i]);
            }
        })]);
        exporter.Update();
        var text = RenderOwned(exporter, ExpositionFormat.PrometheusText);

        Assert.Contains("gpuqos_test_value_ratio{gpu=\"0\",name=\"say \\\"hi\\\"\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("gpuqos_test_value_ratio{gpu=\"0\",name=\"C:\\\\bin\\\\x.exe\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("gpuqos_test_value_ratio{gpu=\"0\",name=\"two\\nlines\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("gpuqos_test_value_ratio{gpu=\"0\",name=\"a\\\\\\\"b\\n\"} 7\n", text, StringComparison.Ordinal);
        var names = text.Split('\n').Where(l => l.StartsWith(Gauge.Name + "{", StringComparison.Ordinal)).Select(NameLabel);
        Assert.Equal(Names, names);
    }

    [Fact]
    public void Render_HelpWithBackslashAndNewline_EscapedSoTheLineStaysWhole()
    {
        // prometheus-net wrote HELP as given: a newline in it ended the line and left half a comment behind.
        var odd = new MetricDefinition("gpuqos_test_odd", MetricType.Gauge, "Path C:\\x, \"quoted\",\nsecond line.", [], "test");
        var exporter = new PrometheusExporter([new FixedSource(w => w.Write(odd, 1), odd)]);
        exporter.Update();

        Assert.StartsWith("# HELP gpuqos_test_odd Path C:\\\\x, \"quoted\",\\nsecond line.\n# TYPE gpuqos_test_odd gauge\ngpuqos_test_odd 1\n", RenderOwned(exporter, ExpositionFormat.PrometheusText), StringComparison.Ordinal);
        Assert.StartsWith("# HELP gpuqos_test_odd Path C:\\\\x, \\\"quoted\\\",\\nsecond line.\n", RenderOwned(exporter, ExpositionFormat.OpenMetricsText), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OpenMetrics_CounterFamilyWithoutTotal_IntegralValuesAsFloats_OneEofLast()
    {
        var exporter = new PrometheusExporter([new FixedSource(w =>
        {
            w.Write(Counter, 5, "0");
            w.Write(Plain, 0.25);
        })]);
        exporter.Update();
        var text = RenderOwned(exporter, ExpositionFormat.OpenMetricsText);

        Assert.Contains("# TYPE gpuqos_test_events counter\ngpuqos_test_events_total{gpu=\"0\"} 5.0\n", text, StringComparison.Ordinal);
        Assert.Contains("gpuqos_test_plain_seconds 0.25\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\n# EOF\n", text, StringComparison.Ordinal);
        Assert.Equal(1, CountOf(text, "# EOF"));
        Assert.Contains("# TYPE gpuqos_test_events_total counter\ngpuqos_test_events_total{gpu=\"0\"} 5\n", RenderOwned(exporter, ExpositionFormat.PrometheusText), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OpenMetrics_CounterNamedWithoutTotal_DeclaredUnknownAsPrometheusNetDid()
    {
        var xid = new MetricDefinition("DCGM_FI_DEV_XID_ERRORS", MetricType.Counter, "XID errors.", ["gpu"], "test");
        var source = new FixedSource(w => w.Write(xid, 3, "0"), xid);
        var exporter = new PrometheusExporter([source]);
        var reference = new PrometheusNetExposition([source]);
        exporter.Update();
        reference.Update();

        foreach (var format in new[] { ExpositionFormat.PrometheusText, ExpositionFormat.OpenMetricsText })
        {
            var ours = Blocks(RenderOwned(exporter, format), skip: ExpositionErrors.SourceErrors.Name);
            var theirs = Blocks(RenderReference(reference, format), skip: null);
            Assert.Equal(theirs.Select(b => b.Header + "\n" + string.Join('\n', b.Samples)), ours.Select(b => b.Header + "\n" + string.Join('\n', b.Samples)));
        }

        Assert.Contains("# TYPE DCGM_FI_DEV_XID_ERRORS unknown\nDCGM_FI_DEV_XID_ERRORS{gpu=\"0\"} 3.0\n", RenderOwned(exporter, ExpositionFormat.OpenMetricsText), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_InstrumentationInTheRegistry_ServedAfterTheSourcesFamilies()
    {
        var exporter = new PrometheusExporter([new FixedSource(w => w.Write(Plain, 2))]);
        Metrics.WithCustomRegistry(exporter.Registry).CreateGauge("gpuqos_test_instrument", "Kept in prometheus-net.").Set(7);
        exporter.Update();

        foreach (var format in new[] { ExpositionFormat.PrometheusText, ExpositionFormat.OpenMetricsText })
        {
            var text = RenderOwned(exporter, format);
            var plain = text.IndexOf("gpuqos_test_plain_seconds 2", StringComparison.Ordinal);
            var instrument = text.IndexOf("gpuqos_test_instrument 7", StringComparison.Ordinal);
            Assert.True(plain >= 0 && instrument > plain, text);
        }
    }

    [Fact]
    public void Update_CounterWrittenLower_KeepsItsHighestValue_UntilTheSeriesGoesAway()
    {
        double value = 10;
        var write = true;
        var exporter = new PrometheusExporter([new FixedSource(w =>
        {
            if (write)
            {
                w.Write(Counter, value, "0");
            }
        })]);
        exporter.Update();
        value = 4;
        exporter.Update();
        Assert.Contains("gpuqos_test_events_total{gpu=\"0\"} 10\n", RenderOwned(exporter, ExpositionFormat.PrometheusText), StringComparison.Ordinal);

        write = false;
        exporter.Update();
        Assert.DoesNotContain("gpuqos_test_events_total{", RenderOwned(exporter, ExpositionFormat.PrometheusText), StringComparison.Ordinal);
        write = true;
        exporter.Update();
        Assert.Contains("gpuqos_test_events_total{gpu=\"0\"} 4\n", RenderOwned(exporter, ExpositionFormat.PrometheusText), StringComparison.Ordinal);
    }

    [Fact]
    public void Update_SourceWritesTheWrongNumberOfLabels_FailsAloneNamingTheMetric()
    {
        var bad = new FixedSource(w => w.Write(Counter, 1, "0", "extra"), Counter);
        var good = new GoodSource();
        var exporter = new PrometheusExporter([bad, good]);

        var failure = Assert.Single(exporter.Update());
        Assert.Contains("gpuqos_test_events_total has 1 labels (gpu), written with 2 values", failure.Error.Message, StringComparison.Ordinal);
        var text = RenderOwned(exporter, ExpositionFormat.PrometheusText);
        Assert.Contains("gpuqos_test_plain_seconds 3\n", text, StringComparison.Ordinal);
        Assert.Contains("gpuqos_exposition_source_errors_total{source=\"FixedSource\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("gpuqos_exposition_source_errors_total{source=\"GoodSource\"} 0\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidMetricOrLabelName_RefusedNamingIt()
    {
        var name = new MetricDefinition("gpuqos-bad", MetricType.Gauge, "h", [], "test");
        var label = new MetricDefinition("gpuqos_ok", MetricType.Gauge, "h", ["__reserved"], "test");

        Assert.Contains("'gpuqos-bad'", Assert.Throws<ArgumentException>(() => new PrometheusExporter([new FixedSource(_ => { }, name)])).Message, StringComparison.Ordinal);
        Assert.Contains("gpuqos_ok: label name '__reserved'", Assert.Throws<ArgumentException>(() => new PrometheusExporter([new FixedSource(_ => { }, label)])).Message, StringComparison.Ordinal);
    }

    [RequiresPrometheusFact("promtool")]
    public async Task Render_RandomCyclesWithOddLabels_PromtoolCheckMetricsClean()
    {
        var source = new RandomSource(new Random(7));
        var exporter = new PrometheusExporter([source]);
        for (var cycle = 0; cycle < 5; cycle++)
        {
            source.NextCycle();
            exporter.Update();
        }

        // promtool reads the text format (an OpenMetrics counter's TYPE line names the family without _total).
        var (code, output) = await ExternalTool.RunAsync("promtool", ["check", "metrics"], stdin: RenderOwned(exporter, ExpositionFormat.PrometheusText));
        Assert.True(code == 0 && output.Trim().Length == 0, $"promtool check metrics reported (exit {code}):\n{output}");
    }

    private static string RenderOwned(PrometheusExporter exporter, ExpositionFormat format)
    {
        using var stream = new MemoryStream();
        exporter.Render(stream, format);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string RenderReference(PrometheusNetExposition reference, ExpositionFormat format)
    {
        using var stream = new MemoryStream();
        reference.Render(stream, format);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    // The name label of a sample line, unescaped left to right as a Prometheus parser reads it.
    private static string NameLabel(string line)
    {
        var start = line.IndexOf(",name=\"", StringComparison.Ordinal) + ",name=\"".Length;
        var value = new StringBuilder();
        for (var i = start; line[i] != '"'; i++)
        {
            if (line[i] == '\\')
            {
                i++;
                value.Append(line[i] == 'n' ? '\n' : line[i]);
            }
            else
            {
                value.Append(line[i]);
            }
        }

        return value.ToString();
    }

    private static int CountOf(string text, string part) => text.Split(part).Length - 1;

    /// <summary>Each family's comment lines with its samples sorted (the two keep series in different orders).</summary>
    private static List<(string Header, string[] Samples)> Blocks(string text, string? skip)
    {
        var blocks = new List<(string Header, List<string> Samples)>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal) || line == "# EOF")
            {
                blocks.Add((line, []));
            }
            else if (line.StartsWith('#'))
            {
                blocks[^1] = (blocks[^1].Header + "\n" + line, blocks[^1].Samples);
            }
            else
            {
                blocks[^1].Samples.Add(line);
            }
        }

        return [.. blocks
            .Where(b => skip is null || !b.Header.Contains(skip.Replace("_total", "", StringComparison.Ordinal), StringComparison.Ordinal))
            .Select(b => (b.Header, b.Samples.Order(StringComparer.Ordinal).ToArray()))];
    }

    /// <summary>A source that writes what it is given.</summary>
    private sealed class FixedSource(Action<IMetricWriter> write, params MetricDefinition[] metrics) : IMetricSource
    {
        public IReadOnlyList<MetricDefinition> Metrics { get; } = metrics.Length > 0 ? metrics : [Gauge, Counter, Plain];

        public void WriteTo(IMetricWriter writer) => write(writer);
    }

    private sealed class GoodSource : IMetricSource
    {
        public IReadOnlyList<MetricDefinition> Metrics { get; } = [Plain];

        public void WriteTo(IMetricWriter writer) => writer.Write(Plain, 3);
    }

    /// <summary>
    /// Each cycle a random subset of 64 series with random values (counters rising and now and then written lower),
    /// the unlabelled gauge now and then, and a family never written. Every <see cref="WriteTo"/> until the next
    /// <see cref="NextCycle"/> writes the same samples, so the exporter and the reference see one cycle.
    /// </summary>
    private sealed class RandomSource(Random random) : IMetricSource
    {
        private readonly List<(MetricDefinition Metric, double Value, string[] Labels)> _cycle = [];
        private readonly double[] _counters = new double[8];

        public IReadOnlyList<MetricDefinition> Metrics { get; } = [Gauge, Counter, Plain, Never];

        public void NextCycle()
        {
            _cycle.Clear();
            for (var gpu = 0; gpu < 8; gpu++)
            {
                foreach (var name in Names)
                {
                    if (random.NextDouble() < 0.7)
                    {
                        _cycle.Add((Gauge, Values[random.Next(Values.Length)] * (random.NextDouble() < 0.5 ? 1 : random.NextDouble()), [gpu.ToString(System.Globalization.CultureInfo.InvariantCulture), name]));
                    }
                }

                if (random.NextDouble() < 0.8)
                {
                    _counters[gpu] += random.NextDouble() < 0.1 ? -3 : random.Next(0, 4) + (random.NextDouble() < 0.3 ? 0.125 : 0);
                    _cycle.Add((Counter, _counters[gpu], [gpu.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
                }
            }

            if (random.NextDouble() < 0.7)
            {
                _cycle.Add((Plain, random.NextDouble() * 100, []));
            }

            // Sources write in a stable order, but not always: shuffle now and then.
            if (random.NextDouble() < 0.2)
            {
                var shuffled = _cycle.ToArray();
                random.Shuffle(shuffled);
                _cycle.Clear();
                _cycle.AddRange(shuffled);
            }
        }

        public void WriteTo(IMetricWriter writer)
        {
            foreach (var (metric, value, labels) in _cycle)
            {
                writer.Write(metric, value, labels);
            }
        }
    }
}
