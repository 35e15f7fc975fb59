using GpuQos.Backends.Simulation;
using GpuQos.Collectors.Attribution;
using GpuQos.Collectors.Attribution.Kubelet;
using GpuQos.Collectors.Collection;
using GpuQos.Model.Attribution;
using GpuQos.Model.Devices;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Collectors.Tests.Attribution;

/// <summary>The attributor inside the real collection pipeline, on the simulated demo host.</summary>
public sealed class TenantAttributorTests : IDisposable
{
    private readonly SimulatedBackend _backend = new(ScenarioLoader.Demo(), new FakeTimeProvider());
    private readonly AttributionState _state = new();

    [Fact]
    public void Collect_UnclaimedMigInstance_BelongsToTheTenantOfItsProcesses()
    {
        var snapshot = Collect(new TenantOptions { Name = "llm", Match = [new TenantSelectorOptions { Cgroup = "*pod7f3c2a10_51aa_4c1e_9a0e_1d2b3c4d5e01*" }] });

        var mig = snapshot.Gpus[0];
        Assert.Equal("llm", mig.Partitions.Single(p => p.Reading.Id == "gi1-ci0").Tenant);
        Assert.Equal("", mig.Partitions.Single(p => p.Reading.Id == "gi2-ci0").Tenant); // its process matches no tenant
        Assert.NotNull(snapshot.Tenants.Single(t => t.Gpu == 0 && t.Tenant == "llm").SmShare);
    }

    [Fact]
    public void Collect_MigInstanceClaimedByUuid_OwnsTheInstanceAndTheProcessesInIt()
    {
        var uuid = _backend.ReadPartitions(0).Single(p => p.Id == "gi3-ci0").Uuid!;

        var snapshot = Collect(
            new TenantOptions { Name = "lab", Match = [new TenantSelectorOptions { MigUuid = uuid }] },
            new TenantOptions { Name = "notebooks", Match = [new TenantSelectorOptions { Process = "jupyter-kernel" }] });

        var mig = snapshot.Gpus[0];
        Assert.Equal("lab", mig.Partitions.Single(p => p.Reading.Id == "gi3-ci0").Tenant);
        Assert.Equal("lab", mig.Processes.Single(p => p.Reading.Pid == 5103).Attribution.Tenant);

        // On the time-sliced GPU the same process name is not inside the claimed instance.
        Assert.Equal("notebooks", snapshot.Gpus[1].Processes.Single(p => p.Reading.Pid == 4103).Attribution.Tenant);
    }

    [Fact]
    public void Collect_ProcessSelectorListedFirst_OverridesTheInstanceClaim()
    {
        var uuid = _backend.ReadPartitions(0).Single(p => p.Id == "gi3-ci0").Uuid!;

        var snapshot = Collect(
            new TenantOptions { Name = "alice", Match = [new TenantSelectorOptions { User = "alice" }] },
            new TenantOptions { Name = "lab", Match = [new TenantSelectorOptions { MigUuid = uuid }] });

        var mig = snapshot.Gpus[0];
        Assert.Equal("lab", mig.Partitions.Single(p => p.Reading.Id == "gi3-ci0").Tenant);
        Assert.Equal("alice", mig.Processes.Single(p => p.Reading.Pid == 5103).Attribution.Tenant);
    }

    [Fact]
    public void Collect_VgpuInstances_AreClaimedByVm()
    {
        var snapshot = Collect(new TenantOptions { Name = "cad", Match = [new TenantSelectorOptions { Vm = "vm-cad-*" }] });

        Assert.Equal(["cad", "cad", "", ""], snapshot.Gpus[2].Partitions.Select(p => p.Tenant));
    }

    [Fact]
    public void Collect_PodsFromTheKubelet_NameNamespacePodAndContainer()
    {
        var mig = _backend.ReadPartitions(0).Single(p => p.Id == "gi1-ci0").Uuid!;
        _state.Inventory = new PodInventory(
            new PodResourcesListing([new KubeletPod("llm", "triton-0", [new KubeletContainer("triton", [mig])])], []),
            [new PodLogEntry("search", "search-inference-0", "0a1b2c3d-0000-4000-8000-000000004101", ["server"])]);

        var snapshot = Collect(new TenantOptions { Name = "serving", Match = [new TenantSelectorOptions { Namespace = "llm" }, new TenantSelectorOptions { Pod = "search-*" }] });

        var triton = snapshot.Gpus[0].Processes.Single(p => p.Reading.Pid == 5101).Attribution;
        Assert.Equal(("triton", "triton-0", "llm", "serving", PodMatchKind.Device), (triton.Container, triton.Pod, triton.Namespace, triton.Tenant, triton.Match));
        Assert.Equal("containerd", triton.Runtime);
        var search = snapshot.Gpus[1].Processes.Single(p => p.Reading.Pid == 4101).Attribution;
        Assert.Equal(("server", "search-inference-0", "search", "serving", PodMatchKind.PodUid), (search.Container, search.Pod, search.Namespace, search.Tenant, search.Match));
    }

    [Fact]
    public void Attribute_ProcessWithoutCgroup_UsesCachedFactsAndAsksForMissingOnes()
    {
        var attributor = new TenantAttributor(_state, new TenantCatalog([new TenantOptions { Name = "search", Match = [new TenantSelectorOptions { User = "search" }] }]));
        var process = new ProcessReading { Pid = 77, Name = "python3", PartitionId = "whole" };
        var gpu = _backend.Gpus[1];
        var asked = 0;
        _state.Wanted += () => asked++;

        Assert.Equal("", attributor.Attribute(gpu, process, null).Tenant);
        Assert.Equal(1, asked);
        Assert.Equal([77], _state.DrainWanted());

        _state.Store(77, new ProcessFacts(CgroupIdentity.None, "search"));
        Assert.Equal("search", attributor.Attribute(gpu, process, null).Tenant);
    }

    [Fact]
    public async Task Collect_SimulatedWorkloadWithUserButNoCgroup_KeepsItsUserTenantAfterTheProcfsRefresh()
    {
        // A PID no procfs holds: the refresher caches empty facts for it, which must not hide the user the
        // backend reports.
        using var backend = new SimulatedBackend(ScenarioLoader.Parse("""
            gpus:
              - model: H100-SXM5-80GB
                mode: mig
                mig:
                  - profile: 3g.40gb
                    workloads:
                      - {name: notebook, pid: 999901, process: jupyter-kernel, user: alice, memory: 1GiB, demand: {kind: steady, level: 0.5}}
            """, "user without cgroup"), new FakeTimeProvider());
        var store = new SnapshotStore(1);
        var catalog = new TenantCatalog([new TenantOptions { Name = "alice", Match = [new TenantSelectorOptions { User = "alice" }] }]);
        var pipeline = new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, new TenantAttributor(_state, catalog), TimeProvider.System, new BackendErrorCounter());
        var fixtures = Path.Combine(AppContext.BaseDirectory, "Attribution", "Fixtures");
        using var refresher = new AttributionRefresher(
            _state,
            store,
            new ProcfsReader(Path.Combine(fixtures, "proc"), new UserDirectory(Path.Combine(fixtures, "etc", "passwd"))),
            [],
            new AttributionOptions { PodLogsDirectory = "" },
            TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<AttributionRefresher>.Instance);

        store.Publish(pipeline.Collect());
        await refresher.RefreshAsync(CancellationToken.None);
        Assert.Same(ProcessFacts.None, _state.FactsOf(999901)); // the refresh did run and found nothing
        var snapshot = pipeline.Collect();

        var gpu = snapshot.Gpus.Single();
        Assert.Equal("alice", gpu.Processes.Single(p => p.Reading.Pid == 999901).Attribution.Tenant);
        Assert.Equal("alice", gpu.Partitions.Single(p => p.Reading.Kind == PartitionKind.Mig).Tenant);
    }

    public void Dispose() => _backend.Dispose();

    private HostSnapshot Collect(params TenantOptions[] tenants)
    {
        var pipeline = new CollectionPipeline(_backend, CollectionPipeline.DefaultCollectors, new TenantAttributor(_state, new TenantCatalog(tenants)), TimeProvider.System, new BackendErrorCounter());
        return pipeline.Collect();
    }
}
