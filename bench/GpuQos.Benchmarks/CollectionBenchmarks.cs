using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using GpuQos.Backends.Simulation;
using GpuQos.Collectors.Collection;
using GpuQos.Collectors.Exposition;
using GpuQos.Daemon.Exposition;
using GpuQos.Daemon.Tests.Exposition;
using GpuQos.Enforcer.Engine;
using GpuQos.Model.Attribution;
using GpuQos.Model.Metrics;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IO;
using Prometheus;

namespace GpuQos.Benchmarks;

/// <summary>
/// One collection cycle and one exposition update on the simulated demo host and the fleet-scale host. On
/// the scale host the processes are attributed to their tenants and the SLA series of the tenants' floor and
/// ceiling policies (as in scenarios/scale-config.yaml) are exposed too, so the registry holds the 16,499 series
/// the daemon serves there. The exposition's update and render are each measured beside prometheus-net doing the same
/// work (<see cref="PrometheusNetExposition"/>, the exposition until 2026-12-07, the baseline of each category), so one
/// run gives the ratio.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class CollectionBenchmarks : IDisposable
{
    /// <summary><c>demo</c> (5 GPUs, ~360 series) or <c>scale</c> (16 GPUs, 568 processes, 100 tenants, 200 policies: 16,499 series).</summary>
    [Params("demo", "scale")]
    public string Host { get; set; } = "demo";

    // Blocks as ScrapeRenders pools them.
    private static readonly RecyclableMemoryStreamManager RenderBlocks = new(new RecyclableMemoryStreamManager.Options
    {
        BlockSize = 128 * 1024,
        MaximumSmallPoolFreeBytes = 16 * 1024 * 1024,
    });

    private readonly FakeTimeProvider _time = new();
    private CollectionPipeline _pipeline = null!;
    private PrometheusExporter _exporter = null!;
    private PrometheusNetExposition _prometheusNet = null!;
    private SnapshotStore _store = null!;
    private ScaleHost? _scale;
    private SlaEnforcer? _enforcer;

    [GlobalSetup]
    public void Setup()
    {
        var scale = Host == "scale";
        _scale = scale ? new ScaleHost(_time) : null;
        var errors = _scale?.Errors ?? new BackendErrorCounter();
        _pipeline = _scale?.Pipeline
            ?? new CollectionPipeline(new SimulatedBackend(ScenarioLoader.Demo(), _time), CollectionPipeline.DefaultCollectors, new NoAttribution(), _time, errors);
        _store = new SnapshotStore(600);
        List<IMetricSource> sources =
        [
            new GpuMetrics(_store), new HealthMetrics(_store), new PartitionMetrics(_store),
            new ProcessMetrics(_store), new TenantMetrics(_store), new CollectorMetrics(_store, errors),
        ];
        if (_scale is not null)
        {
            _enforcer = _scale.DryRunEnforcer();
            sources.Add(new EnforcementMetrics(_enforcer));
        }

        _exporter = new PrometheusExporter(sources);
        _prometheusNet = new PrometheusNetExposition(sources);
        _store.Publish(_pipeline.Collect());
        _enforcer?.Evaluate(_store.Latest!, _store.Window(TimeSpan.FromSeconds(10)));
        _exporter.Update();
        _prometheusNet.Update();

        // Printed into the benchmark log, so the series count behind the figures is on record.
        Console.WriteLine($"// Host={Host}: {Count(s => _exporter.Render(s, ExpositionFormat.PrometheusText))} series exposed, {Count(s => _prometheusNet.Render(s, ExpositionFormat.PrometheusText))} by prometheus-net");
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _scale?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    [BenchmarkCategory("cycle")]
    public HostSnapshot CollectionCycle()
    {
        _time.Advance(TimeSpan.FromSeconds(1));
        return _pipeline.Collect();
    }

    /// <summary>What each collection cycle adds for <c>/metrics</c>: every source written, vanished series swept.</summary>
    [Benchmark]
    [BenchmarkCategory("update")]
    public void ExpositionUpdate() => _exporter.Update();

    /// <summary>The same, into prometheus-net children (the exposition until 2026-12-07).</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("update")]
    public void ExpositionUpdatePrometheusNet() => _prometheusNet.Update();

    /// <summary>
    /// What <c>/metrics</c> does once per update and format (<see cref="ScrapeRenders"/>): every series rendered
    /// under the update lock into pooled blocks, which go back to the pool once sent.
    /// </summary>
    [Benchmark]
    [BenchmarkCategory("render")]
    public long ScrapeRender()
    {
        using var stream = RenderBlocks.GetStream("bench");
        _exporter.Render(stream, ExpositionFormat.PrometheusText);
        return stream.Length;
    }

    /// <summary>The same series rendered by prometheus-net's serializer into the same pooled blocks.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("render")]
    public long ScrapeRenderPrometheusNet()
    {
        using var stream = RenderBlocks.GetStream("bench");
        _prometheusNet.Render(stream, ExpositionFormat.PrometheusText);
        return stream.Length;
    }

    private static int Count(Action<Stream> render)
    {
        using var stream = new MemoryStream();
        render(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray()).Split('\n').Count(l => l.Length > 0 && l[0] != '#');
    }
}
