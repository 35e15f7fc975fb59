using System.Globalization;
using BenchmarkDotNet.Attributes;
using GpuQos.Backends.Simulation;
using GpuQos.Collectors.Attribution;
using GpuQos.Collectors.Attribution.Kubelet;
using GpuQos.Collectors.Collection;
using GpuQos.Collectors.Exposition;
using GpuQos.Daemon.Configuration;
using GpuQos.Model.Attribution;
using GpuQos.Model.Configuration;
using GpuQos.Model.Devices;
using GpuQos.Model.Metrics;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Benchmarks;

/// <summary>
/// What attribution adds to a collection cycle on the demo host, and what it costs on a crowded node:
/// 1000 processes on one time-sliced GPU, 250 pods listed by the kubelet, 12 tenants.
/// </summary>
[MemoryDiagnoser]
public class AttributionBenchmarks
{
    private const int CrowdedProcesses = 1000;
    private readonly FakeTimeProvider _time = new();
    private CollectionPipeline _withoutAttribution = null!;
    private CollectionPipeline _withAttribution = null!;
    private TenantAttributor _attributor = null!;
    private AttributionState _crowdState = null!;
    private TenantCatalog _crowdTenants = null!;
    private ProcessReading[] _crowd = null!;
    private GpuIdentity _gpu = null!;
    private ProcessMetrics _cappedSeries = null!;
    private string _cgroupFile = "";
    private string _procfsRoot = "";
    private ProcfsReader _procfs = null!;

    [GlobalSetup]
    public void Setup()
    {
        var backend = new SimulatedBackend(ScenarioLoader.Demo(), _time);
        var demo = YamlBinder.Load<GpuQosOptions>(ConfigLoader.DemoYaml(), "demo");
        _withoutAttribution = new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, new NoAttribution(), _time, new BackendErrorCounter());
        _withAttribution = new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, new TenantAttributor(new AttributionState(), new TenantCatalog(demo.Tenants)), _time, new BackendErrorCounter());

        _gpu = backend.Gpus[1];
        var pods = Enumerable.Range(0, 250)
            .Select(i => new KubeletPod("team-" + (i % 12), "job-" + i, [new KubeletContainer("main", [$"{_gpu.Uuid}::{i}"])]))
            .ToArray();
        var logs = Enumerable.Range(0, 250).Select(i => new PodLogEntry("team-" + (i % 12), "job-" + i, Uid(i), ["main"])).ToArray();
        _crowdState = new AttributionState { Inventory = new PodInventory(new PodResourcesListing(pods, []), logs) };
        _crowdTenants = new TenantCatalog(Enumerable.Range(0, 12).Select(t => new TenantOptions { Name = "team-" + t, Match = [new TenantSelectorOptions { Namespace = "team-" + t }] }));
        _attributor = new TenantAttributor(_crowdState, _crowdTenants);
        _crowd = Enumerable.Range(0, CrowdedProcesses).Select(i => new ProcessReading
        {
            Pid = 10_000 + i,
            Name = "python3",
            PartitionId = "whole",
            UsedMemoryBytes = 1L << 28,
            SmUtilization = 0.001,
            CgroupPath = $"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{Uid(i % 250).Replace('-', '_')}.slice/cri-containerd-{i:x64}.scope",
        }).ToArray();

        var store = new SnapshotStore(1);
        var processes = _crowd.Select(p => new ProcessSnapshot(p, null, _attributor.Attribute(_gpu, p, null))).ToArray();
        store.Publish(new HostSnapshot { Timestamp = _time.GetUtcNow(), Sequence = 1, Backend = "bench", Gpus = [new GpuSnapshot { Identity = _gpu, Processes = processes }], Collectors = [] });
        _cappedSeries = new ProcessMetrics(store, new AttributionOptions());
        _cgroupFile = string.Join('\n', Enumerable.Range(1, 12).Select(h => $"{h}:controller{h}:/kubepods/burstable/pod{Uid(7)}/{7:x64}"));

        // A procfs root of one process (PID 4242), as the refresher reads it.
        _procfsRoot = Directory.CreateTempSubdirectory("gpuqos-bench-procfs-").FullName;
        var visible = Directory.CreateDirectory(Path.Combine(_procfsRoot, "4242")).FullName;
        File.WriteAllText(Path.Combine(visible, "cgroup"), $"0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{Uid(7).Replace('-', '_')}.slice/cri-containerd-{7:x64}.scope\n");
        File.WriteAllText(Path.Combine(visible, "status"), "Name:\tpython3\nUid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\n");
        File.WriteAllText(Path.Combine(_procfsRoot, "passwd"), "alice:x:1000:1000::/home/alice:/bin/sh\n");
        _procfs = new ProcfsReader(_procfsRoot, new UserDirectory(Path.Combine(_procfsRoot, "passwd")));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_procfsRoot, recursive: true);

    [Benchmark(Baseline = true)]
    public HostSnapshot DemoCycleWithoutAttribution()
    {
        _time.Advance(TimeSpan.FromSeconds(1));
        return _withoutAttribution.Collect();
    }

    [Benchmark]
    public HostSnapshot DemoCycleWithAttribution()
    {
        _time.Advance(TimeSpan.FromSeconds(1));
        return _withAttribution.Collect();
    }

    /// <summary>Attributing 1000 processes against 250 pods and 12 tenants (one cycle's work on a crowded GPU).</summary>
    [Benchmark]
    public int AttributeCrowdedGpu()
    {
        var named = 0;
        foreach (var p in _crowd)
        {
            named += _attributor.Attribute(_gpu, p, null).Tenant.Length > 0 ? 1 : 0;
        }

        return named;
    }

    /// <summary>The same, seen for the first time (or after the pod list changed): every process fully matched.</summary>
    [Benchmark]
    public int AttributeCrowdedGpuFirstSight()
    {
        var attributor = new TenantAttributor(_crowdState, _crowdTenants);
        var named = 0;
        foreach (var p in _crowd)
        {
            named += attributor.Attribute(_gpu, p, null).Tenant.Length > 0 ? 1 : 0;
        }

        return named;
    }

    /// <summary>Writing process series for 1000 processes, capped at 64 plus the overflow series.</summary>
    [Benchmark]
    public void CappedProcessSeries() => _cappedSeries.WriteTo(NullWriter.Instance);

    /// <summary>Parsing a 12-hierarchy cgroup v1 file (the refresher's per-process work, I/O aside).</summary>
    [Benchmark]
    public CgroupIdentity ParseCgroupV1File() => CgroupParser.ParseFile(_cgroupFile);

    /// <summary>The refresher's procfs read of a process it can see (cgroup and status files).</summary>
    [Benchmark]
    public ProcessFacts? ProcfsReadVisibleProcess() => _procfs.Read(4242);

    /// <summary>
    /// The same for a process it cannot see: what every GPU process costs a daemon outside the host's PID
    /// namespace, and every simulated process.
    /// </summary>
    [Benchmark]
    public ProcessFacts? ProcfsReadInvisibleProcess() => _procfs.Read(4243);

    private static string Uid(int i) => string.Create(CultureInfo.InvariantCulture, $"0a1b2c3d-0000-4000-8000-{i:d12}");

    private sealed class NullWriter : IMetricWriter
    {
        public static readonly NullWriter Instance = new();

        public void Write(MetricDefinition metric, double value, params ReadOnlySpan<string> labels)
        {
        }
    }
}
