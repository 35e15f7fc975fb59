using System.Globalization;
using GpuQos.Advisor.History;
using GpuQos.Advisor.Readers;
using GpuQos.Collectors.Exposition;
using GpuQos.Daemon.Exposition;
using GpuQos.Enforcer.Engine;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Benchmarks;

/// <summary>
/// Whether the daemon's work retains memory over time, apart from what the GC has not yet collected:
/// <c>retained --cycles 1500</c> runs the scale host's cycle as the daemon does (collect, publish into a history
/// sized by the policies' longest window, fold it into the advisor's per-minute summaries, evaluate the 200
/// configured policies in dry-run, update the exposition, render one scrape, and build the advice evidence every
/// 30 cycles) on a simulated clock, and every 100 cycles prints the managed bytes still reachable after a full,
/// compacting collection.
/// </summary>
internal static class SteadyStateFootprint
{
    public static int Run(string[] args)
    {
        var cycles = int.Parse(LoadTest.Arg(args, "--cycles", "1500"), CultureInfo.InvariantCulture);
        var time = new FakeTimeProvider();
        using var host = new ScaleHost(time);
        var (pipeline, errors) = (host.Pipeline, host.Errors);
        var store = new SnapshotStore(600, TimeSpan.Zero);
        var summaries = new DemandHistory(TimeSpan.FromMinutes(10));
        var enforcer = host.DryRunEnforcer();
        var enforcement = new EnforcementMetrics(enforcer);
        var exporter = new PrometheusExporter(
        [
            new GpuMetrics(store), new HealthMetrics(store), new PartitionMetrics(store),
            new ProcessMetrics(store), new TenantMetrics(store), new CollectorMetrics(store, errors), enforcement,
        ]);
        for (var i = 1; i <= cycles; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            store.Publish(pipeline.Collect());
            store.Retain(enforcer.HistoryWindow);
            summaries.Consume(store.Latest!);
            enforcer.Evaluate(store.Latest!, store.Window(enforcer.HistoryWindow));
            exporter.Update();
            exporter.Render(Stream.Null, Prometheus.ExpositionFormat.PrometheusText);
            if (i % 30 == 0)
            {
                var capture = new MetricCapture(SnapshotEvidenceBuilder.CapturedFamilies).From([enforcement]);
                GC.KeepAlive(SnapshotEvidenceBuilder.Build("bench", store.Latest, summaries.Figures(), capture, TimeSpan.FromSeconds(i)));
            }

            if (i % 100 == 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"cycle={i} retained_mib={HistoryFootprint.Retained() / 1048576.0:0.0} history={store.Count} summary_minutes={summaries.Minutes}"));
            }
        }

        return 0;
    }
}
