using BenchmarkDotNet.Attributes;
using GpuQos.Advisor.Advice;
using GpuQos.Advisor.Evidence;
using GpuQos.Advisor.Readers;
using GpuQos.Advisor.Scoring;
using GpuQos.Collectors.Attribution;
using GpuQos.Collectors.Collection;
using GpuQos.Collectors.Model;
using GpuQos.Collectors.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Benchmarks;

/// <summary>
/// What the daemon's advice costs every 30 s (evidence from 10 minutes of demo history, then the advice), and the
/// worst case for the MIG search: eight A100s with seven tenants each.
/// </summary>
[MemoryDiagnoser]
public class AdvisorBenchmarks
{
    private readonly SharingAdvisor _advisor = new(new AdvisorOptions());
    private IReadOnlyList<HostSnapshot> _history = null!;
    private AdvisorEvidence _crowded = null!;

    [GlobalSetup]
    public void Setup()
    {
        var time = new FakeTimeProvider();
        var pipeline = new CollectionPipeline(new SimulatedBackend(ScenarioLoader.Demo(), time), CollectionPipeline.DefaultCollectors, new NoAttribution(), time, new BackendErrorCounter());
        var store = new SnapshotStore(600);
        for (var i = 0; i < 600; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            store.Publish(pipeline.Collect());
        }

        _history = store.Window(TimeSpan.FromMinutes(10));
        var random = new Random(7);
        _crowded = new AdvisorEvidence("bench", "bench", TimeSpan.FromDays(7), [.. Enumerable.Range(0, 8).Select(g => new GpuEvidence(
            g, $"GPU-{g}", GpuModels.A100Sxm80.ProductName, SharingMode.TimeSliced, [],
            [.. Enumerable.Range(0, 7).Select(t => new TenantEvidence($"t{t}", new DemandStats(0.05, 0.1 + random.NextDouble() * 0.05, 0.16, 0.2, 10_000), (long)(random.NextDouble() * 8 * (1L << 30)), null))],
            null, null))], []);
    }

    [Benchmark]
    public HostAdvice DaemonAdviceOverTenMinutesOfDemo() =>
        _advisor.Advise(SnapshotEvidenceBuilder.Build("bench", _history, new MetricCapture(SnapshotEvidenceBuilder.CapturedFamilies), TimeSpan.FromMinutes(10)));

    [Benchmark]
    public HostAdvice EightA100sWithSevenTenantsEach() => _advisor.Advise(_crowded);
}
