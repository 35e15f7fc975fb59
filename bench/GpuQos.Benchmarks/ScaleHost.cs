using GpuQos.Backends.Simulation;
using GpuQos.Collectors.Attribution;
using GpuQos.Collectors.Collection;
using GpuQos.Daemon.Configuration;
using GpuQos.Enforcer.Engine;
using GpuQos.Enforcer.Policies;
using GpuQos.Model.Attribution;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Objective = GpuQos.Enforcer.Policies.KnownPolicyTypes.Objectives;

namespace GpuQos.Benchmarks;

/// <summary>
/// The fleet-scale host the scale benchmarks share: <c>scenarios/scale.yaml</c> (8 H100s in MIG mode with 7
/// instances each, 8 time-sliced A100s with 64 processes each) on the simulated backend, its processes attributed
/// by the daemon's own attributor to the tenants of <c>scenarios/scale-config.yaml</c>, and on request the
/// configuration's floor and ceiling policies in a dry-run enforcer.
/// </summary>
internal sealed class ScaleHost : IDisposable
{
    private readonly FakeTimeProvider _time;
    private readonly List<SlaEnforcer> _enforcers = [];
    private DirectoryInfo? _dir;

    public ScaleHost(FakeTimeProvider time)
    {
        _time = time;
        Backend = new SimulatedBackend(ScenarioLoader.LoadFile(Path.Combine(RepoRoot(), "scenarios", "scale.yaml")), time);
        Pipeline = new CollectionPipeline(Backend, CollectionPipeline.DefaultCollectors, Tenants(), time, Errors);
    }

    public SimulatedBackend Backend { get; }

    public BackendErrorCounter Errors { get; } = new();

    public CollectionPipeline Pipeline { get; }

    /// <summary>A dry-run enforcer with every tenant's floor and ceiling (200 policies), journaling to a scratch directory.</summary>
    public SlaEnforcer DryRunEnforcer()
    {
        _dir ??= Directory.CreateTempSubdirectory("gpuqos-bench-");
        var enforcer = BenchEnforcer.Create(
            new EnforcementOptions { Mode = EnforcementMode.DryRun, Journal = Path.Combine(_dir.FullName, $"actions-{_enforcers.Count}.jsonl") },
            [.. Enumerable.Range(0, 100).SelectMany(t => Policies($"tenant{t}"))],
            [],
            Backend,
            _time,
            NullLogger<SlaEnforcer>.Instance);
        _enforcers.Add(enforcer);
        return enforcer;
    }

    /// <summary>
    /// The daemon's own attributor with the scale host's tenants (each tenant's processes are named after it,
    /// <c>tenant17-infer</c>), and no procfs facts: the simulated processes have none.
    /// </summary>
    public static IProcessAttributor Tenants() =>
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

    public void Dispose()
    {
        foreach (var enforcer in _enforcers)
        {
            enforcer.Dispose();
        }

        Backend.Dispose();
        _dir?.Delete(recursive: true);
    }

    /// <summary>The floor and ceiling policies every tenant has in scenarios/scale-config.yaml (without their actions).</summary>
    private static PolicyOptions[] Policies(string tenant) =>
    [
        new() { Name = $"{tenant}-floor", Tenant = tenant, Objectives = [new() { Type = Objective.MinSmShare, Share = 0.01, DemandThreshold = 0.005 }] },
        new()
        {
            Name = $"{tenant}-ceiling",
            Tenant = tenant,
            Objectives = [new() { Type = Objective.MaxSmShare, Share = 0.5, Window = TimeSpan.FromSeconds(10) }, new() { Type = Objective.MaxMemory, Bytes = 16L << 30 }],
        },
    ];
}
