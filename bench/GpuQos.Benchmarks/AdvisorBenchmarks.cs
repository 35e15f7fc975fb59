using BenchmarkDotNet.Attributes;
using GpuQos.Advisor.Advice;
using GpuQos.Advisor.Candidates;
using GpuQos.Advisor.Evidence;
using GpuQos.Advisor.Readers;
using GpuQos.Advisor.Scoring;
using GpuQos.Backends.Simulation;
using GpuQos.Collectors.Collection;
using GpuQos.Enforcer.Engine;
using GpuQos.Model.Attribution;
using GpuQos.Model.Devices;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Benchmarks;

/// <summary>
/// What the daemon's advice costs each time (evidence from 10 minutes of history, then the advice) on the demo
/// host and on the scale host with its tenants and the SLA series of its 200 policies, and the worst case for
/// the MIG search: eight A100s with seven tenants each. The <c>…Remembered</c> cases advise as the daemon does
/// since 2026-12-07, with a <see cref="MigGeometryMemo"/> that earlier advices filled.
/// </summary>
[MemoryDiagnoser]
public class AdvisorBenchmarks : IDisposable
{
    private readonly SharingAdvisor _advisor = new(new AdvisorOptions());
    private readonly SharingAdvisor _remembering = new(new AdvisorOptions(), new MigGeometryMemo());
    private IReadOnlyList<HostSnapshot> _history = null!;
    private IReadOnlyList<HostSnapshot> _scaleHistory = null!;
    private ScaleHost _scale = null!;
    private SlaEnforcer _scaleEnforcer = null!;
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

        // The scale host as the daemon keeps it: 600 cycles in the store (compact but for the latest), each
        // evaluated by the enforcer, whose SLA series the advice captures.
        var scaleTime = new FakeTimeProvider();
        _scale = new ScaleHost(scaleTime);
        _scaleEnforcer = _scale.DryRunEnforcer();
        var scaleStore = new SnapshotStore(600);
        for (var i = 0; i < 600; i++)
        {
            scaleTime.Advance(TimeSpan.FromSeconds(1));
            scaleStore.Publish(_scale.Pipeline.Collect());
            _scaleEnforcer.Evaluate(scaleStore.Latest!, scaleStore.Window(_scaleEnforcer.HistoryWindow));
        }

        _scaleHistory = scaleStore.Window(TimeSpan.FromMinutes(10));
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
    public HostAdvice DaemonAdviceOverTenMinutesOfScale() => _advisor.Advise(SnapshotEvidenceBuilder.Build(
        "bench", _scaleHistory, new MetricCapture(SnapshotEvidenceBuilder.CapturedFamilies).From([new EnforcementMetrics(_scaleEnforcer)]), TimeSpan.FromMinutes(10)));

    [Benchmark]
    public HostAdvice DaemonAdviceOverTenMinutesOfScaleRemembered() => _remembering.Advise(SnapshotEvidenceBuilder.Build(
        "bench", _scaleHistory, new MetricCapture(SnapshotEvidenceBuilder.CapturedFamilies).From([new EnforcementMetrics(_scaleEnforcer)]), TimeSpan.FromMinutes(10)));

    [Benchmark]
    public HostAdvice EightA100sWithSevenTenantsEach() => _advisor.Advise(_crowded);

    [Benchmark]
    public HostAdvice EightA100sWithSevenTenantsEachRemembered() => _remembering.Advise(_crowded);

    [GlobalCleanup]
    public void Dispose()
    {
        _scale?.Dispose();
        GC.SuppressFinalize(this);
    }
}
