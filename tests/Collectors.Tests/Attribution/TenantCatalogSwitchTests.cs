using GpuQos.Backends.Simulation;
using GpuQos.Collectors.Attribution;
using GpuQos.Collectors.Collection;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Collectors.Tests.Attribution;

/// <summary>A configuration reload's new tenants, staged and then switched in between two collection cycles.</summary>
public sealed class TenantCatalogSwitchTests : IDisposable
{
    private readonly SimulatedBackend _backend = new(ScenarioLoader.Demo(), new FakeTimeProvider());

    private static TenantCatalog ByUser(params string[] users) =>
        new(users.Select(u => new TenantOptions { Name = u, Match = [new TenantSelectorOptions { User = u }] }));

    [Fact]
    public void Collect_CatalogStagedThenCommitted_OldTenantsUntilTheCommitNewOnesFromTheNextCycle()
    {
        var tenants = new TenantCatalogSwitch(ByUser("search", "ads"));
        var pipeline = new CollectionPipeline(_backend, CollectionPipeline.DefaultCollectors, new TenantAttributor(new AttributionState(), tenants), TimeProvider.System, new BackendErrorCounter());
        Assert.Equal("ads", Tenant(pipeline.Collect(), 4102));

        // Staged only: the cycle still attributes with the catalogue in force (and its remembered answers).
        tenants.Stage(ByUser("search", "research"));
        Assert.Equal("ads", Tenant(pipeline.Collect(), 4102));

        Assert.True(tenants.Commit());
        var snapshot = pipeline.Collect();
        Assert.Equal("", Tenant(snapshot, 4102));
        Assert.Equal("research", Tenant(snapshot, 4104));
        Assert.Equal("search", Tenant(snapshot, 4101));
        Assert.DoesNotContain(snapshot.Tenants, t => t.Tenant == "ads");
        Assert.Contains(snapshot.Tenants, t => t.Tenant == "research" && t.Gpu == 1);
    }

    [Fact]
    public void Commit_StagedTwice_TheLaterWinsAndASecondCommitChangesNothing()
    {
        var first = ByUser("a");
        var tenants = new TenantCatalogSwitch(first);
        Assert.False(tenants.Commit());
        Assert.Same(first, tenants.Current);

        var later = ByUser("c");
        tenants.Stage(ByUser("b"));
        tenants.Stage(later);
        Assert.Same(first, tenants.Current);
        Assert.True(tenants.Commit());
        Assert.Same(later, tenants.Current);
        Assert.False(tenants.Commit());
        Assert.Same(later, tenants.Current);
    }

    [Fact]
    public async Task Collect_CataloguesStagedWhileCollecting_EverySnapshotAttributedWithOneCatalogue()
    {
        // Each generation names its tenants after itself (search-7, ads-7, ...), so a snapshot that mixed two
        // catalogues would carry two suffixes.
        static TenantCatalog Generation(int n) => new(new[] { "search", "ads", "research", "ml" }
            .Select(u => new TenantOptions { Name = $"{u}-{n}", Match = [new TenantSelectorOptions { User = u }] }));
        var tenants = new TenantCatalogSwitch(Generation(0));
        var pipeline = new CollectionPipeline(_backend, CollectionPipeline.DefaultCollectors, new TenantAttributor(new AttributionState(), tenants), TimeProvider.System, new BackendErrorCounter());
        using var stop = new CancellationTokenSource();
        var staged = 0;
        var reloads = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                tenants.Stage(Generation(Interlocked.Increment(ref staged)));
            }
        });

        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref staged) > 0, TimeSpan.FromSeconds(10)), "the staging thread never ran");
        var generations = new HashSet<string>(StringComparer.Ordinal);

        // Bounded in time, not in cycles: on a busy machine the staging thread can lose the CPU for thousands of
        // the collector's cycles (a CI run once saw 36 generations in 5,000 cycles).
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (generations.Count < 50 && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            var snapshot = pipeline.Collect();
            var suffixes = snapshot.Gpus.SelectMany(g => g.Processes).Select(p => p.Attribution.Tenant)
                .Where(t => t.Length > 0).Select(t => t[(t.LastIndexOf('-') + 1)..]).Distinct().ToList();
            Assert.Single(suffixes);
            generations.Add(suffixes[0]);
            tenants.Commit();
            Thread.Yield();
        }

        await stop.CancelAsync();
        await reloads;
        Assert.Equal(50, generations.Count);
    }

    public void Dispose() => _backend.Dispose();

    private static string Tenant(HostSnapshot snapshot, int pid) =>
        snapshot.Gpus[1].Processes.Single(p => p.Reading.Pid == pid).Attribution.Tenant;
}
