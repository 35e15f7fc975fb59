using BenchmarkDotNet.Attributes;
using GpuQos.Collectors.Attribution;
using GpuQos.Collectors.Collection;
using GpuQos.Collectors.Exposition;
using GpuQos.Collectors.Simulation;
using GpuQos.Daemon.Exposition;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Benchmarks;

/// <summary>One collection cycle and one exposition update on the simulated demo host.</summary>
[MemoryDiagnoser]
public class CollectionBenchmarks
{
    private readonly FakeTimeProvider _time = new();
    private CollectionPipeline _pipeline = null!;
    private PrometheusExporter _exporter = null!;
    private SnapshotStore _store = null!;

    [GlobalSetup]
    public void Setup()
    {
        var backend = new SimulatedBackend(ScenarioLoader.Demo(), _time);
        var errors = new BackendErrorCounter();
        _pipeline = new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, new NoAttribution(), _time, errors);
        _store = new SnapshotStore(600);
        _exporter = new PrometheusExporter(
        [
            new GpuMetrics(_store), new HealthMetrics(_store), new PartitionMetrics(_store),
            new ProcessMetrics(_store), new TenantMetrics(_store), new CollectorMetrics(_store, errors),
        ]);
        _store.Publish(_pipeline.Collect());
        _exporter.Update();
    }

    [Benchmark]
    public HostSnapshot CollectionCycle()
    {
        _time.Advance(TimeSpan.FromSeconds(1));
        return _pipeline.Collect();
    }

    [Benchmark]
    public void ExpositionUpdate() => _exporter.Update();

    [Benchmark]
    public async Task<long> ScrapeSerialization()
    {
        using var stream = new MemoryStream();
        await _exporter.Registry.CollectAndExportAsTextAsync(stream);
        return stream.Length;
    }
}
