using GpuQos.Backends.Simulation;
using GpuQos.Collectors.Collection;
using GpuQos.Enforcer.Actions;
using GpuQos.Enforcer.Engine;
using GpuQos.Enforcer.Policies;
using GpuQos.Model.Attribution;
using GpuQos.Model.Backends;
using GpuQos.Model.Snapshots;
using GpuQos.Enforcer.Workload;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Enforcer.Tests.TestSupport;

/// <summary>
/// The simulated demo host, the real collection pipeline and the enforcer on a fake clock: one
/// <see cref="Tick"/> is one collection interval, exactly as the daemon runs it.
/// </summary>
internal sealed class SimHost : IDisposable
{
    private readonly CollectionPipeline _pipeline;
    private readonly TimeSpan _window;

    public SimHost(IReadOnlyList<PolicyOptions> policies, EnforcementOptions? options = null, ScenarioOptions? scenario = null, IProcessAttributor? attributor = null, bool record = false, IReadOnlyList<IActionFactory>? factories = null)
    {
        Directory = TrustedDirectory.Create("gpuqos-enforcer-");
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Backend = new SimulatedBackend(scenario ?? ScenarioLoader.Demo(), Time);
        _pipeline = new CollectionPipeline(Backend, CollectionPipeline.DefaultCollectors, attributor ?? UserAttributor.Demo, Time, new BackendErrorCounter());
        Store = new SnapshotStore(600);
        options ??= new EnforcementOptions();
        Options = new EnforcementOptions
        {
            Mode = options.Mode,
            Journal = options.Journal ?? Path.Combine(Directory.FullName, "actions.jsonl"),
            MinDutyCycle = options.MinDutyCycle,
            TouchUnattributed = options.TouchUnattributed,
            Weights = options.Weights,
        };
        Recorder = record ? new RecordingBackend(Backend) : null;
        Workload = new WorkloadReadings(Time);
        Enforcer = TestEnforcer.Create(Options, policies, factories ?? Factories, Recorder ?? (IGpuBackend)Backend, Time, NullLogger<SlaEnforcer>.Instance, workload: Workload);
        _window = policies.SelectMany(p => p.Objectives).Select(o => o.Window).DefaultIfEmpty(TimeSpan.FromSeconds(1)).Max();
    }

    public static IReadOnlyList<IActionFactory> Factories { get; } =
    [
        new ThrottleActionFactory(), new FreezeActionFactory(), new LockClocksActionFactory(), new PowerLimitActionFactory(),
        new PriorityActionFactory(), new MpsThreadsActionFactory(), new MpsMemoryLimitActionFactory(), new EvictActionFactory(), new ComputeModeActionFactory(), new VgpuSchedulerActionFactory(),
    ];

    public DirectoryInfo Directory { get; }
    public FakeTimeProvider Time { get; }
    public SimulatedBackend Backend { get; }

    /// <summary>The device calls the enforcer made, when the host was created with <c>record: true</c>.</summary>
    public RecordingBackend? Recorder { get; }
    public SnapshotStore Store { get; }

    /// <summary>The workload metrics latency and throughput objectives read; tests add reads to it.</summary>
    public WorkloadReadings Workload { get; }
    public EnforcementOptions Options { get; }
    public SlaEnforcer Enforcer { get; }
    public HostSnapshot Latest => Store.Latest!;

    /// <summary>Advances one second, collects, publishes and evaluates.</summary>
    public HostSnapshot Tick()
    {
        Time.Advance(TimeSpan.FromSeconds(1));
        var snapshot = _pipeline.Collect();
        Store.Publish(snapshot);
        Enforcer.Evaluate(snapshot, Store.Window(_window));
        return snapshot;
    }

    public double Share(string tenant, int gpu) =>
        Latest.Tenants.FirstOrDefault(t => t.Tenant == tenant && t.Gpu == gpu)?.SmShare ?? 0;

    public void Dispose()
    {
        Enforcer.Dispose();
        Backend.Dispose();
        Directory.Delete(recursive: true);
    }
}
