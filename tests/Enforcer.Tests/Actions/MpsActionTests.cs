using GpuQos.Backends.Simulation;
using GpuQos.Enforcer.Actions;
using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Tests.TestSupport;
using GpuQos.Model.Backends;

namespace GpuQos.Enforcer.Tests.Actions;

/// <summary>
/// mps-threads and mps-memory-limit against the MPS control stand-in: only the server (one per user) that serves
/// the target tenant is set, one that also serves the protected tenant is refused, and each undo restores the
/// value read before.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MpsActionTests : IDisposable
{
    // GPU 0 is shared through MPS by recsys (PID 3901) and search (3911); search's floor makes recsys the target.
    private const string MpsHost = """
        gpus:
          - model: A100-SXM4-40GB
            mode: mps
            mpsServerPid: 3900
            workloads:
              - {name: recsys-a, pid: 3901, process: python3, user: recsys, memory: 6GiB, demand: {kind: steady, level: 0.3}}
              - {name: search-a, pid: 3911, process: python3, user: search, memory: 4GiB, demand: {kind: steady, level: 0.3}}
        """;

    private static readonly PolicyOptions SearchFloor = new()
    {
        Name = "search-floor",
        Tenant = "search",
        Objectives = [new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MinSmShare, Share = 0.5 }],
    };

    private readonly SimHost _host = new([], scenario: ScenarioLoader.Parse(MpsHost, "mps test host"));
    private readonly MpsStand _mps = new();
    private readonly ActionJournal _journal;

    public MpsActionTests() => _journal = new ActionJournal(Path.Combine(_host.Directory.FullName, "mps.jsonl"));

    [Fact]
    public void MpsThreads_TargetTenantsOwnServer_SetThenPreviousPercentageRestored()
    {
        _mps.Server(5000, 1001, 3901);
        _mps.Server(5001, 1002, 3911);
        _mps.SetState("threads.5000", "70");
        var action = new MpsThreadsActionFactory().Create(new ActionOptions { Type = KnownPolicyTypes.Actions.MpsThreads, Percentage = 40 });
        var context = Context();

        Assert.Null(action.Refusal(context));
        var applied = action.Apply(context, _journal)!;
        Assert.Equal("40", _mps.State("threads.5000"));
        Assert.Null(_mps.State("threads.5001"));
        var server = Assert.Single(ActionJournal.ReadAll(_journal.Path).Single().MpsServers!);
        Assert.Equal(new JournalMpsServer(5000, 0, PreviousThreadPercentage: 70), server);

        // Undone to the 70 read before, not to 100.
        Reverter().Revert(applied.Entry);
        Assert.Equal("70", _mps.State("threads.5000"));
    }

    [Fact]
    public void MpsThreads_ServerAlsoServesTheProtectedTenant_RefusedWithTheReason()
    {
        // One user runs both tenants' clients: one server serves both, and capping it would cap search too.
        _mps.Server(5000, 1001, 3901, 3911);
        var action = new MpsThreadsActionFactory().Create(new ActionOptions { Type = KnownPolicyTypes.Actions.MpsThreads, Percentage = 40 });
        Assert.Equal(
            "MPS server 5000 also serves 3911 (search); its settings reach every client it serves, so acting on it would reach them too",
            action.Refusal(Context()));
        Assert.DoesNotContain(_mps.Commands, c => c.StartsWith("set_", StringComparison.Ordinal));
    }

    [Fact]
    public void MpsMemoryLimit_TargetServer_SetThenPreviousLimitRestoredExactly()
    {
        _mps.Server(5000, 1001, 3901);
        _mps.Server(5001, 1002, 3911);
        _mps.SetState("pinned.5000.0", "2G");
        var action = new MpsMemoryLimitActionFactory().Create(new ActionOptions { Type = KnownPolicyTypes.Actions.MpsMemoryLimit, Bytes = 3L << 30 });
        var applied = action.Apply(Context(), _journal)!;
        Assert.Equal("3072M", _mps.State("pinned.5000.0"));
        Assert.Null(_mps.State("pinned.5001.0"));
        Assert.Contains("set_device_pinned_mem_limit 5000 0 3072M", _mps.Commands);

        Reverter().Revert(applied.Entry);
        Assert.Equal("2G", _mps.State("pinned.5000.0"));
    }

    [Fact]
    public void MpsThreads_NotAnMpsGpuOrNoControlDaemon_Refused()
    {
        var action = new MpsThreadsActionFactory().Create(new ActionOptions { Type = KnownPolicyTypes.Actions.MpsThreads, Percentage = 40 });
        var latest = _host.Tick();
        Assert.Equal(
            "MPS is not controlled on this backend (the simulated host has no MPS control daemon)",
            action.Refusal(DeviceContext.For(_host, latest, _host.Backend, 0, SearchFloor)));
    }

    [Fact]
    public void Control_ErrorAnsweredWithExitStatusZero_RaisedWithTheAnswer()
    {
        _mps.Server(5000, 1001, 3901);
        var error = Assert.Throws<GpuBackendException>(() => _mps.Control.SetActiveThreadPercentage(9, 40));
        Assert.Contains("Server 9 not found", error.Message, StringComparison.Ordinal);
        Assert.Throws<GpuBackendException>(() => _mps.Control.GetActiveThreadPercentage(9));
    }

    [Fact]
    public void Control_BinaryWritableByGroup_RefusedBeforeItRuns()
    {
        File.SetUnixFileMode(_mps.Binary, File.GetUnixFileMode(_mps.Binary) | UnixFileMode.GroupWrite);
        var error = Assert.Throws<GpuBackendException>(() => _mps.Control.Servers());
        Assert.Contains("writable by group or others", error.Message, StringComparison.Ordinal);
        Assert.Empty(_mps.Commands);
        Assert.Contains("is not an absolute path", MpsControl.Untrusted("nvidia-cuda-mps-control"), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _journal.Dispose();
        _mps.Dispose();
        _host.Dispose();
    }

    private ActionContext Context() => DeviceContext.For(_host, _host.Tick(), _host.Backend, 0, SearchFloor, mps: _mps.Control);

    private ActionReverter Reverter() =>
        new(_host.Backend, new Dictionary<string, IProcessActuator>(), new CgroupFreezer(_host.Directory.FullName), () => _mps.Control);
}
