using System.Globalization;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.NoEmit;
using GpuQos.Advisor.History;
using GpuQos.Advisor.Readers;
using GpuQos.Collectors.Exposition;
using GpuQos.Daemon.Exposition;
using GpuQos.Enforcer.Engine;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Benchmarks;

/// <summary>
/// Where the scale host's managed state goes (16 GPUs, 568 processes, 100 tenants, 200 policies, 16,499 series),
/// with the daemon's history kept the old way (<c>before</c>: 600 snapshots for <c>settings.history</c> 10m, the
/// advice built from them) and the new way (<c>after</c>: the store sized by the policies' longest window, the
/// advice from per-minute summaries). Each case runs eleven simulated minutes of the daemon's cycle (collect,
/// publish, evaluate the 200 policies, update the exposition, render a scrape, the advice every 30 cycles), then
/// drops the parts one at a time and measures, after full compacting collections, what each kept alive.
/// </summary>
[Config(typeof(Config))]
public class ManagedStateBenchmarks
{
    private const int Cycles = 660;

    /// <summary><c>before</c>: the 600-snapshot history; <c>after</c>: the history sized by its readers.</summary>
    [Params("before", "after")]
    public string History { get; set; } = "after";

    [Benchmark]
    public void ElevenMinutesOfTheScaleHost()
    {
        var baseline = HistoryFootprint.Retained();
        var state = Run(History == "before");
        var (series, snapshots, minutes) = Counts(state);
        var all = HistoryFootprint.Retained();

        // The exposition first (its sources hold the store), then the history, then everything else. The
        // enforcer's last window (a few compact snapshots, the same in both cases) counts in the rest.
        Drop(state, exporter: true);
        var withoutExporter = HistoryFootprint.Retained();
        Drop(state, exporter: false);
        var withoutHistory = HistoryFootprint.Retained();
        Dispose(state);

        Record("Total MiB", (all - baseline) / 1048576.0);
        Record("B/series", (all - baseline) / (double)series);
        Record("Exposition B/series", (all - withoutExporter) / (double)series);
        Record("History MiB", (withoutExporter - withoutHistory) / 1048576.0);
        Record("Rest MiB", (withoutHistory - baseline) / 1048576.0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// History={History}: series={series} snapshots_held={snapshots} summary_minutes={minutes} total={all - baseline} exposition={all - withoutExporter} history={withoutExporter - withoutHistory} rest={withoutHistory - baseline}"));
    }

    // Reads and drops in methods of their own: unoptimized code keeps the temporaries of a frame alive until it returns.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (int Series, int Snapshots, int Minutes) Counts(State state) => (state.Series, state.Store!.Count, state.Summaries?.Minutes ?? 0);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Drop(State state, bool exporter)
    {
        if (exporter)
        {
            state.Exporter = null;
            state.Enforcement = null;
        }
        else
        {
            state.Store = null;
            state.Summaries = null;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static State Run(bool old)
    {
        var time = new FakeTimeProvider();
        var state = new State { Host = new ScaleHost(time) };
        var host = state.Host;
        var enforcer = host.DryRunEnforcer();
        state.Enforcement = new EnforcementMetrics(enforcer);
        state.Store = old ? new SnapshotStore(600) : new SnapshotStore(600, TimeSpan.Zero);
        state.Summaries = old ? null : new DemandHistory(TimeSpan.FromMinutes(10));
        var store = state.Store;
        state.Exporter = new PrometheusExporter(
        [
            new GpuMetrics(store), new HealthMetrics(store), new PartitionMetrics(store),
            new ProcessMetrics(store), new TenantMetrics(store), new CollectorMetrics(store, host.Errors), state.Enforcement,
        ]);
        for (var i = 1; i <= Cycles; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            var snapshot = host.Pipeline.Collect();
            store.Publish(snapshot);
            if (!old)
            {
                // What the enforcement hand-off does each cycle.
                store.Retain(enforcer.HistoryWindow);
            }

            state.Summaries?.Consume(snapshot);
            enforcer.Evaluate(snapshot, store.Window(enforcer.HistoryWindow));
            state.Exporter.Update();
            state.Exporter.Render(Stream.Null, Prometheus.ExpositionFormat.PrometheusText);
            if (i % 30 == 0)
            {
                var capture = new MetricCapture(SnapshotEvidenceBuilder.CapturedFamilies).From([state.Enforcement]);
                GC.KeepAlive(old
                    ? SnapshotEvidenceBuilder.Build("bench", store.Window(TimeSpan.FromDays(1)), capture, TimeSpan.FromSeconds(i))
                    : SnapshotEvidenceBuilder.Build("bench", store.Latest, state.Summaries!.Figures(), capture, TimeSpan.FromSeconds(i)));
            }
        }

        state.Enforcer = enforcer;
        state.Series = Series(state.Exporter);
        return state;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Dispose(State state) => state.Host!.Dispose();

    private void Record(string column, double figure) => MeasuredColumn.Record(nameof(History), History, column, figure);

    private static int Series(PrometheusExporter exporter)
    {
        using var stream = new MemoryStream();
        exporter.Render(stream, Prometheus.ExpositionFormat.PrometheusText);
        var lines = System.Text.Encoding.UTF8.GetString(stream.ToArray()).Split('\n').Where(l => l.Length > 0 && l[0] != '#').ToArray();

        // The exporter keeps one label-value array per series (string[]: 24 bytes and 8 a value). Series of
        // different families with the same values could share one; what that would save is printed, not done.
        var sets = lines.Select(l => l.IndexOf('{', StringComparison.Ordinal) is var open and >= 0 ? LabelValues(l[(open + 1)..l.LastIndexOf('}')]) : "").ToArray();
        static long ArrayBytes(string values) => 24 + (8L * (values.Length == 0 ? 0 : values.Count(c => c == '\u0001') + 1));
        var all = sets.Sum(ArrayBytes);
        var distinct = sets.Distinct(StringComparer.Ordinal).Sum(ArrayBytes);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// label arrays: {sets.Length} series, {sets.Distinct(StringComparer.Ordinal).Count()} distinct value sets, {all} bytes, {distinct} if shared ({(all - distinct) / (double)sets.Length:0.0} B/series less)"));
        return lines.Length;
    }

    // The values of a rendered label set, in order, joined by U+0001 (the names are the family's).
    private static string LabelValues(string labels) =>
        string.Join('\u0001', System.Text.RegularExpressions.Regex.Matches(labels, "=\"((?:[^\"\\\\]|\\\\.)*)\"").Select(m => m.Groups[1].Value));

    /// <summary>What the run keeps, in fields the measurement can drop one at a time.</summary>
    private sealed class State
    {
        public ScaleHost? Host { get; set; }
        public SlaEnforcer? Enforcer { get; set; }
        public EnforcementMetrics? Enforcement { get; set; }
        public SnapshotStore? Store { get; set; }
        public DemandHistory? Summaries { get; set; }
        public PrometheusExporter? Exporter { get; set; }
        public int Series { get; set; }
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // One run per case, in process so the columns can read what it measured; the timing is not the point.
            AddJob(Job.Dry.WithWarmupCount(0).WithToolchain(InProcessNoEmitToolchain.Instance).WithId("managed-state"));
            AddColumn(
                new MeasuredColumn(nameof(History), "Total MiB", "Managed bytes the whole state keeps alive after 11 minutes"),
                new MeasuredColumn(nameof(History), "B/series", "The same, per exposed series"),
                new MeasuredColumn(nameof(History), "Exposition B/series", "What the exporter (prometheus-net children, label arrays, its own index) keeps, per series"),
                new MeasuredColumn(nameof(History), "History MiB", "The snapshot store, with the advisor's summaries where kept"),
                new MeasuredColumn(nameof(History), "Rest MiB", "The scale host, pipeline caches and the enforcer"));
        }
    }
}
