using BenchmarkDotNet.Attributes;
using GpuQos.Collectors.Attribution;
using GpuQos.Collectors.Collection;
using GpuQos.Collectors.Exposition;
using GpuQos.Collectors.Simulation;
using GpuQos.Daemon.Exposition;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Benchmarks;

/// <summary>One collection cycle and one exposition update on the simulated demo host and the fleet-scale host.</summary>
[MemoryDiagnoser]
public class CollectionBenchmarks
{
    /// <summary><c>demo</c> (5 GPUs, ~360 series) or <c>scale</c> (16 GPUs, 568 processes, over 10,000 series).</summary>
    [Params("demo", "scale")]
    public string Host { get; set; } = "demo";

    private readonly FakeTimeProvider _time = new();
    private CollectionPipeline _pipeline = null!;
    private PrometheusExporter _exporter = null!;
    private SnapshotStore _store = null!;

    [GlobalSetup]
    public void Setup()
    {
        var scenario = Host == "scale" ? ScenarioLoader.LoadFile(Path.Combine(RepoRoot(), "scenarios", "scale.yaml")) : ScenarioLoader.Demo();
        var backend = new SimulatedBackend(scenario, _time);
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

    /// <summary>The repository root, found from the benchmark's output directory.</summary>
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GpuQos.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("run the benchmarks from inside the repository");
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
