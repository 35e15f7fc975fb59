using BenchmarkDotNet.Attributes;
using GpuQos.Backends.Simulation;
using GpuQos.Collectors.Collection;
using GpuQos.Collectors.Exposition;
using GpuQos.Daemon.Exposition;
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
/// the daemon serves there.
/// </summary>
[MemoryDiagnoser]
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
        _store.Publish(_pipeline.Collect());
        _enforcer?.Evaluate(_store.Latest!, _store.Window(TimeSpan.FromSeconds(10)));
        _exporter.Update();

        // Printed into the benchmark log, so the series count behind the figures is on record.
        using var stream = new MemoryStream();
        _exporter.Registry.CollectAndExportAsTextAsync(stream).GetAwaiter().GetResult();
        var series = System.Text.Encoding.UTF8.GetString(stream.ToArray()).Split('\n').Count(l => l.Length > 0 && l[0] != '#');
        Console.WriteLine($"// Host={Host}: {series} series in the registry");
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _scale?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public HostSnapshot CollectionCycle()
    {
        _time.Advance(TimeSpan.FromSeconds(1));
        return _pipeline.Collect();
    }

    [Benchmark]
    public void ExpositionUpdate() => _exporter.Update();

    /// <summary>
    /// What <c>/metrics</c> does once per update and format (<see cref="ScrapeRenders"/>): the registry rendered
    /// under the update lock into pooled blocks, which go back to the pool once sent.
    /// </summary>
    [Benchmark]
    public long ScrapeRender()
    {
        using var stream = RenderBlocks.GetStream("bench");
        _exporter.Render(stream, ExpositionFormat.PrometheusText);
        return stream.Length;
    }

    /// <summary>The registry serialized into a growing <see cref="MemoryStream"/> (prometheus-net's own path, before shared renders).</summary>
    [Benchmark]
    public async Task<long> ScrapeSerialization()
    {
        using var stream = new MemoryStream();
        await _exporter.Registry.CollectAndExportAsTextAsync(stream);
        return stream.Length;
    }
}
