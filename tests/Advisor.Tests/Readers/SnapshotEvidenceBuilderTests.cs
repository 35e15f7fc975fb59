using GpuQos.Advisor.Readers;
using GpuQos.Backends.Simulation;
using GpuQos.Collectors.Collection;
using GpuQos.Model.Attribution;
using GpuQos.Model.Devices;
using GpuQos.Model.Metrics;
using GpuQos.Model.Snapshots;
using System.Text.Json;

namespace GpuQos.Advisor.Tests.Readers;

public sealed class SnapshotEvidenceBuilderTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static HostSnapshot Snapshot(int second, double searchShare, long searchMemory, IReadOnlyList<ProcessSnapshot>? processes = null, bool tenants = true) => new()
    {
        Timestamp = Start.AddSeconds(second),
        Sequence = second + 1,
        Backend = "test",
        Collectors = [],
        Gpus =
        [
            new GpuSnapshot
            {
                Identity = new GpuIdentity(0, "GPU-0", "NVIDIA A100-SXM4-80GB", "0000:17:00.0"),
                Device = new DeviceReading { Mode = SharingMode.TimeSliced, MemoryTotalBytes = 80L << 30, MemoryUsedBytes = searchMemory, SmUtilization = searchShare },
                Processes = processes ?? [],
            },
        ],
        Tenants = tenants ? [new TenantUsage("search", 0, searchShare, searchMemory, 1)] : [],
    };

    [Fact]
    public void Build_History_DemandQuantilesMemoryPeakAndWindow()
    {
        var history = Enumerable.Range(0, 101).Select(i => Snapshot(i, i / 100.0, i == 50 ? 9L << 30 : 1L << 30)).ToArray();

        var evidence = SnapshotEvidenceBuilder.Build("host", history, new MetricCapture(SnapshotEvidenceBuilder.CapturedFamilies), TimeSpan.FromMinutes(5));

        var tenant = Assert.Single(Assert.Single(evidence.Gpus).Tenants);
        Assert.Equal("search", tenant.Name);
        Assert.Equal(0.95, tenant.Demand!.P95, 6);
        Assert.Equal(101, tenant.Demand.Samples);
        Assert.Equal(9L << 30, tenant.MemoryPeakBytes);
        Assert.Equal(TimeSpan.FromSeconds(100), evidence.Window);
        Assert.Null(tenant.Sla);
        Assert.Contains(evidence.Gaps, g => g.Contains("no SLA objectives", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_OverTheStoresCompactHistory_GivesTheEvidenceOfTheWholeSnapshots()
    {
        // The demo host with tenants on its MIG and time-sliced GPUs only, so the history drops processes
        // there and keeps them on the vGPU and MPS GPUs, where the advisor counts each as a workload.
        var time = new DemoClock();
        using var backend = new SimulatedBackend(ScenarioLoader.Demo(), time);
        var pipeline = new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, new UserTenants(), time, new BackendErrorCounter());
        var store = new SnapshotStore(120);
        var whole = new List<HostSnapshot>();
        for (var i = 0; i < 120; i++)
        {
            time.Tick();
            var snapshot = pipeline.Collect();
            whole.Add(snapshot);
            store.Publish(snapshot);
        }

        var history = store.Window(TimeSpan.FromHours(1));
        Assert.Equal(119, history.Count(s => s.Compacted));
        var capture = new MetricCapture(SnapshotEvidenceBuilder.CapturedFamilies);

        var fromWhole = SnapshotEvidenceBuilder.Build("host", whole, capture, TimeSpan.FromMinutes(2));
        var fromHistory = SnapshotEvidenceBuilder.Build("host", history, capture, TimeSpan.FromMinutes(2));

        var expected = JsonSerializer.Serialize(fromWhole);
        Assert.Equal(expected, JsonSerializer.Serialize(fromHistory));
        Assert.Contains("\"search\"", expected, StringComparison.Ordinal);
        Assert.Contains("pid 3901", expected, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SlaSeriesFromAnotherSource_CountsObjectivesAndBreaches()
    {
        var history = new[] { Snapshot(0, 0.2, 1L << 30), Snapshot(1, 0.3, 1L << 30) };
        var capture = new MetricCapture(SnapshotEvidenceBuilder.CapturedFamilies).From([new FakeSlaSource()]);

        var evidence = SnapshotEvidenceBuilder.Build("host", history, capture, TimeSpan.FromHours(12));

        var sla = Assert.Single(evidence.Gpus[0].Tenants).Sla!;
        Assert.Equal(2, sla.Objectives);
        Assert.Equal(7, sla.Breaches);
        Assert.Equal(14, sla.BreachesPerDay, 6);
    }

    [Fact]
    public void Build_NoTenantAttribution_EachProcessCountsAndTheGapSaysSo()
    {
        var process = new ProcessSnapshot(new ProcessReading { Pid = 4104, Name = "torchrun", PartitionId = "whole", UsedMemoryBytes = 3L << 30, SmUtilization = 0.5 }, null, new ProcessAttribution("", "", "", ""));
        var history = new[] { Snapshot(0, 0.5, 3L << 30, [process], tenants: false) };

        var evidence = SnapshotEvidenceBuilder.Build("host", history, new MetricCapture(SnapshotEvidenceBuilder.CapturedFamilies), TimeSpan.FromMinutes(1));

        Assert.Equal("pid 4104 torchrun", Assert.Single(evidence.Gpus[0].Tenants).Name);
        Assert.Contains(evidence.Gaps, g => g.StartsWith("no tenant attribution on GPU 0", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_ManyTenantsOnManyGpus_SameTenantEvidenceAsGroupingTheWholeHistory()
    {
        // The builder sorts each tenant's shares into its own list as it reads the history; this is the plain
        // computation it replaced: every usage record grouped by GPU and tenant. Shares are sometimes unknown
        // (MPS), tenants come and go, and one GPU has no attributed use at all.
        var random = new Random(612);
        var names = Enumerable.Range(0, 9).Select(i => $"tenant-{i}").ToArray();
        var history = Enumerable.Range(0, 300).Select(second =>
        {
            var usages = new List<TenantUsage>();
            for (var gpu = 0; gpu < 3; gpu++)
            {
                foreach (var name in names.Where(_ => random.Next(3) != 0))
                {
                    double? share = random.Next(10) == 0 ? null : Math.Round(random.NextDouble() / 3, 4);
                    usages.Add(new TenantUsage(name, gpu, share, random.NextInt64(1L << 34), 1 + random.Next(4)));
                }
            }

            return new HostSnapshot
            {
                Timestamp = Start.AddSeconds(second),
                Sequence = second + 1,
                Backend = "test",
                Collectors = [],
                Gpus = [.. Enumerable.Range(0, 4).Select(i => new GpuSnapshot
                {
                    Identity = new GpuIdentity(i, $"GPU-{i}", "NVIDIA A100-SXM4-80GB", $"0000:{i:x2}:00.0"),
                    Device = new DeviceReading { Mode = SharingMode.TimeSliced, MemoryTotalBytes = 80L << 30, MemoryUsedBytes = 1L << 30, SmUtilization = 0.5 },
                })],
                Tenants = new TenantUsages(usages),
            };
        }).ToArray();

        var evidence = SnapshotEvidenceBuilder.Build("host", history, new MetricCapture(SnapshotEvidenceBuilder.CapturedFamilies), TimeSpan.FromMinutes(5));

        for (var gpu = 0; gpu < 3; gpu++)
        {
            var expected = history.SelectMany(s => s.Tenants).Where(t => t.Gpu == gpu).GroupBy(t => t.Tenant).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
            {
                var shares = g.Where(t => t.SmShare is not null).Select(t => t.SmShare!.Value).Order().ToArray();
                double Q(double q) => shares[(int)Math.Floor(q * (shares.Length - 1))] + ((q * (shares.Length - 1)) - Math.Floor(q * (shares.Length - 1))) * (shares[Math.Min((int)Math.Floor(q * (shares.Length - 1)) + 1, shares.Length - 1)] - shares[(int)Math.Floor(q * (shares.Length - 1))]);
                return (g.Key, Q(0.5), Q(0.95), Q(0.99), shares[^1], shares.Length, g.Max(t => t.MemoryUsedBytes));
            }).ToArray();
            var got = evidence.Gpus[gpu].Tenants.Select(t => (t.Name, t.Demand!.P50, t.Demand.P95, t.Demand.P99, t.Demand.Max, t.Demand.Samples, t.MemoryPeakBytes)).ToArray();
            Assert.Equal(expected, got);
        }

        Assert.Empty(evidence.Gpus[3].Tenants);
        Assert.Equal(names.Length, evidence.Gpus[0].Tenants.Count);
    }

    private sealed class FakeSlaSource : IMetricSource
    {
        private static readonly MetricDefinition Target = new(EvidenceQueries.SlaObjectiveTarget, MetricType.Gauge, "t", ["gpu", "uuid", "policy", "tenant"], "test");
        private static readonly MetricDefinition Breaches = new(EvidenceQueries.SlaBreaches, MetricType.Counter, "b", ["gpu", "uuid", "policy", "tenant"], "test");

        public IReadOnlyList<MetricDefinition> Metrics => [Target, Breaches];

        public void WriteTo(IMetricWriter writer)
        {
            writer.Write(Target, 0.05, "0", "GPU-0", "p99-latency", "search");
            writer.Write(Target, 0.3, "0", "GPU-0", "min-share", "search");
            writer.Write(Breaches, 4, "0", "GPU-0", "p99-latency", "search");
            writer.Write(Breaches, 3, "0", "GPU-0", "min-share", "search");
        }
    }

    /// <summary>Each process's Unix user is its tenant on the demo's MIG and time-sliced GPUs (0 and 1); nobody elsewhere.</summary>
    private sealed class UserTenants : IProcessAttributor
    {
        public ProcessAttribution Attribute(GpuIdentity gpu, ProcessReading process, PartitionReading? partition) =>
            gpu.Index is 0 or 1 ? ProcessAttribution.Unknown with { Tenant = process.User ?? "" } : ProcessAttribution.Unknown;

        public string TenantOf(GpuIdentity gpu, PartitionReading partition) => "";
    }

    /// <summary>A clock the test moves a second at a time.</summary>
    private sealed class DemoClock : TimeProvider
    {
        private DateTimeOffset _now = Start;

        public void Tick() => _now = _now.AddSeconds(1);

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
