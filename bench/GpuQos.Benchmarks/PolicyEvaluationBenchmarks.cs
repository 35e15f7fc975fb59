using BenchmarkDotNet.Attributes;
using GpuQos.Enforcer.Engine;
using GpuQos.Enforcer.Policies;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Objective = GpuQos.Enforcer.Policies.KnownPolicyTypes.Objectives;

namespace GpuQos.Benchmarks;

/// <summary>
/// One evaluation cycle of 100 tenants x 10 policies on the fleet-scale host (each policy on every GPU its
/// tenant runs on), over 30 s of history, with the state machines in steady state. Policies carry no actions
/// so that the figure is the evaluation alone.
/// </summary>
/// <remarks>
/// Each invocation evaluates the next of 300 consecutive cycles, as the daemon does: its 30 s history is the
/// previous one slid forward by one snapshot (the older ones compacted, as the snapshot store keeps them).
/// After the 300th it starts over at the first, which does not continue the history, so one cycle in 300
/// looks every snapshot up again, as the daemon's first cycle does.
/// </remarks>
[MemoryDiagnoser]
public class PolicyEvaluationBenchmarks : IDisposable
{
    private const int Tenants = 100;
    private readonly FakeTimeProvider _time = new();
    private SlaEnforcer _enforcer = null!;
    private const int Cycles = 300;
    private readonly List<IReadOnlyList<HostSnapshot>> _windows = [];
    private int _next;
    private DirectoryInfo _dir = null!;
    private ScaleHost _scale = null!;

    [GlobalSetup]
    public void Setup()
    {
        _scale = new ScaleHost(_time);
        var store = new SnapshotStore(600);
        for (var i = 0; i < 30 + Cycles; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            store.Publish(_scale.Pipeline.Collect());
            if (i >= 30)
            {
                _windows.Add(store.Window(TimeSpan.FromSeconds(30)));
            }
        }
        _dir = Directory.CreateTempSubdirectory("gpuqos-bench-");
        _enforcer = BenchEnforcer.Create(
            new EnforcementOptions { Mode = EnforcementMode.DryRun, Journal = Path.Combine(_dir.FullName, "actions.jsonl") },
            [.. Enumerable.Range(0, Tenants).SelectMany(t => Policies($"tenant{t}"))],
            [],
            _scale.Backend,
            _time,
            NullLogger<SlaEnforcer>.Instance);
        Evaluate100TenantsX10Policies();
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _enforcer.Dispose();
        _dir.Delete(recursive: true);
        _scale.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>1,000 policies; about 5,700 (policy, GPU) evaluations.</summary>
    [Benchmark]
    public void Evaluate100TenantsX10Policies()
    {
        var history = _windows[_next];
        _next = (_next + 1) % _windows.Count;
        _enforcer.Evaluate(history[^1], history);
    }

    private static IEnumerable<PolicyOptions> Policies(string tenant)
    {
        ObjectiveOptions[] objectives =
        [
            new() { Type = Objective.MinSmShare, Share = 0.01, DemandThreshold = 0.005 },
            new() { Type = Objective.MinSmShare, Share = 0.005, Window = TimeSpan.FromSeconds(10) },
            new() { Type = Objective.MaxSmShare, Share = 0.5 },
            new() { Type = Objective.MaxSmShare, Share = 0.3, Window = TimeSpan.FromSeconds(30) },
            new() { Type = Objective.MaxMemory, Bytes = 16L << 30 },
            new() { Type = Objective.MaxMemory, Bytes = 8L << 30, Window = TimeSpan.FromSeconds(10) },
            new() { Type = Objective.MaxCoTenants, Count = 64 },
            new() { Type = Objective.MaxCoTenants, Count = 7, Window = TimeSpan.FromSeconds(10) },
            new() { Type = Objective.MinSmShare, Share = 0.02, Window = TimeSpan.FromSeconds(30) },
            new() { Type = Objective.MaxSmShare, Share = 0.9, Window = TimeSpan.FromSeconds(1) },
        ];
        return objectives.Select((o, i) => new PolicyOptions { Name = $"{tenant}-p{i}", Tenant = tenant, Objectives = [o] });
    }
}
