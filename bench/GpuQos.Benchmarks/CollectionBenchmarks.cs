using BenchmarkDotNet.Attributes;
using GpuQos.Collectors.Attribution;
using GpuQos.Collectors.Collection;
using GpuQos.Collectors.Exposition;
using GpuQos.Collectors.Simulation;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Exposition;
using GpuQos.Enforcer.Engine;
using GpuQos.Enforcer.Policies;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Objective = GpuQos.Enforcer.Policies.KnownPolicyTypes.Objectives;

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

    private readonly FakeTimeProvider _time = new();
    private CollectionPipeline _pipeline = null!;
    private PrometheusExporter _exporter = null!;
    private SnapshotStore _store = null!;
    private SlaEnforcer? _enforcer;
    private DirectoryInfo? _dir;

    [GlobalSetup]
    public void Setup()
    {
        var scale = Host == "scale";
        var scenario = scale ? ScenarioLoader.LoadFile(Path.Combine(RepoRoot(), "scenarios", "scale.yaml")) : ScenarioLoader.Demo();
        var backend = new SimulatedBackend(scenario, _time);
        var errors = new BackendErrorCounter();
        _pipeline = new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, scale ? ScaleTenants() : new NoAttribution(), _time, errors);
        _store = new SnapshotStore(600);
        List<IMetricSource> sources =
        [
            new GpuMetrics(_store), new HealthMetrics(_store), new PartitionMetrics(_store),
            new ProcessMetrics(_store), new TenantMetrics(_store), new CollectorMetrics(_store, errors),
        ];
        if (scale)
        {
            _dir = Directory.CreateTempSubdirectory("gpuqos-bench-");
            _enforcer = new SlaEnforcer(
                new EnforcementOptions { Mode = EnforcementMode.DryRun, Journal = Path.Combine(_dir.FullName, "actions.jsonl") },
                [.. Enumerable.Range(0, 100).SelectMany(t => ScalePolicies($"tenant{t}"))],
                [],
                backend,
                _time,
                NullLogger<SlaEnforcer>.Instance);
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
        _enforcer?.Dispose();
        _dir?.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>The floor and ceiling policies every tenant has in scenarios/scale-config.yaml (without their actions).</summary>
    internal static PolicyOptions[] ScalePolicies(string tenant) =>
    [
        new() { Name = $"{tenant}-floor", Tenant = tenant, Objectives = [new() { Type = Objective.MinSmShare, Share = 0.01, DemandThreshold = 0.005 }] },
        new()
        {
            Name = $"{tenant}-ceiling",
            Tenant = tenant,
            Objectives = [new() { Type = Objective.MaxSmShare, Share = 0.5, Window = TimeSpan.FromSeconds(10) }, new() { Type = Objective.MaxMemory, Bytes = 16L << 30 }],
        },
    ];

    /// <summary>
    /// The daemon's own attributor with the scale host's tenants (scenarios/scale-config.yaml: each tenant's
    /// processes are named after it, <c>tenant17-infer</c>), and no procfs facts: the simulated processes have none.
    /// </summary>
    public static IProcessAttributor ScaleTenants() =>
        new TenantAttributor(new AttributionState(), new TenantCatalog(ConfigLoader.LoadFile(Path.Combine(RepoRoot(), "scenarios", "scale-config.yaml")).Tenants));

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
