using BenchmarkDotNet.Attributes;
using GpuQos.Backends.Simulation;
using GpuQos.Collectors.Collection;
using GpuQos.Collectors.Exposition;
using GpuQos.Daemon.Exposition;
using GpuQos.Model.Attribution;
using GpuQos.Model.Metrics;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Benchmarks;

/// <summary>
/// What the optional export paths add to each collection cycle on the demo host: filling the OpenTelemetry
/// sample table from every source, and relabelling the samples into dcgm-exporter series.
/// </summary>
[MemoryDiagnoser]
public class ObservabilityBenchmarks : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private OpenTelemetryMetrics _otel = null!;
    private DcgmCompatMetrics _dcgm = null!;
    private PrometheusExporter _exporter = null!;

    [GlobalSetup]
    public void Setup()
    {
        var backend = new SimulatedBackend(ScenarioLoader.Demo(), _time);
        var errors = new BackendErrorCounter();
        var pipeline = new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, new NoAttribution(), _time, errors);
        var store = new SnapshotStore(600);
        IMetricSource[] sources =
        [
            new GpuMetrics(store), new HealthMetrics(store), new PartitionMetrics(store),
            new ProcessMetrics(store), new TenantMetrics(store), new CollectorMetrics(store, errors),
        ];
        _dcgm = new DcgmCompatMetrics(store, new DcgmCompatHost("bench"));
        _otel = new OpenTelemetryMetrics(sources);
        _exporter = new PrometheusExporter([_dcgm]);
        store.Publish(pipeline.Collect());
        _exporter.Update();
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _otel.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>One cycle's OpenTelemetry sample table (all gpuqos_ sources).</summary>
    [Benchmark]
    public void OpenTelemetryTableUpdate() => _otel.Update();

    /// <summary>One cycle's dcgm-exporter series written into prometheus-net.</summary>
    [Benchmark]
    public void DcgmCompatUpdate() => _exporter.Update();
}
