using System.Diagnostics;
using GpuQos.Collectors.Collection;
using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Engine;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Tests.TestSupport;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Logging.Abstractions;

namespace GpuQos.Enforcer.Tests.Engine;

/// <summary>
/// evict on real processes: the tenant over its memory ceiling loses its newest process (SIGTERM, then SIGKILL
/// once the grace is over for one that ignores SIGTERM), journaled first, within the per-policy limit, never in
/// dry-run and never another tenant's.
/// </summary>
public sealed class EvictionTests : IDisposable
{
    private const long MiB = 1L << 20;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuqos-evict-");
    private readonly List<Process> _processes = [];

    [Fact]
    public async Task OverCeiling_NewestProcessIgnoringSigterm_KilledAfterGraceOthersUntouched()
    {
        var older = Start("while :; do sleep 1; done");
        await Task.Delay(100);
        var newest = Start("trap '' TERM; while :; do sleep 1; done");
        var neighbour = Start("while :; do sleep 1; done");
        var memory = new Dictionary<int, long> { [older.Id] = 768 * MiB, [newest.Id] = 768 * MiB, [neighbour.Id] = 4096 * MiB };
        using var host = Host([(older.Id, "ads"), (newest.Id, "ads"), (neighbour.Id, "search")], memory, Policy(EnforcementMode.Enforce, maxEvictions: 5));

        Assert.True(await host.RunUntilAsync(() => newest.HasExited, TimeSpan.FromSeconds(30)), "the newest process was never ended");

        // It ignored SIGTERM, so it took the SIGKILL after the 1 s grace; the tenant is then back under its ceiling.
        var records = host.Enforcer.RecentActions().Where(a => a.Action == KnownPolicyTypes.Actions.Evict).ToList();
        Assert.Contains(records, a => a.Result == ActionResults.Applied && a.Detail.StartsWith($"evicting PID {newest.Id} ", StringComparison.Ordinal));
        Assert.Contains(records, a => a.Result == ActionResults.Applied && a.Detail == $"PID {newest.Id} did not exit within 1 s of SIGTERM: SIGKILL");
        await host.RunUntilAsync(() => false, TimeSpan.FromSeconds(2));
        Assert.False(older.HasExited);
        Assert.False(neighbour.HasExited);
        Assert.DoesNotContain(host.Enforcer.RecentActions(), a => a.Detail.Contains($"PID {older.Id} ", StringComparison.Ordinal));

        // Journaled before the signal, with the process's start time; counted as applied evict actions.
        var journaled = ActionJournal.ReadAll(host.Enforcer.JournalPath).First(e => e.Action == KnownPolicyTypes.Actions.Evict);
        Assert.Equal(newest.Id, Assert.Single(journaled.Processes!).Pid);
        Assert.Contains(host.Enforcer.ActionCounts(), c => c.Key == (KnownPolicyTypes.Actions.Evict, "ads-memory", ActionResults.Applied) && c.Value >= 1);
    }

    [Fact]
    public async Task StillOverCeiling_LimitOfOnePerWindow_OnlyTheNewestEvicted()
    {
        var first = Start("sleep 600");
        await Task.Delay(100);
        var second = Start("sleep 600");
        await Task.Delay(100);
        var third = Start("sleep 600");
        var memory = new Dictionary<int, long> { [first.Id] = 768 * MiB, [second.Id] = 768 * MiB, [third.Id] = 768 * MiB };
        using var host = Host([(first.Id, "ads"), (second.Id, "ads"), (third.Id, "ads")], memory, Policy(EnforcementMode.Enforce, maxEvictions: 1));

        Assert.True(await host.RunUntilAsync(() => third.HasExited, TimeSpan.FromSeconds(30)), "the newest process was never ended");

        // 1.5 GiB is still over the 1 GiB ceiling, but the policy may evict one process per window.
        await host.RunUntilAsync(() => second.HasExited, TimeSpan.FromSeconds(4));
        Assert.False(first.HasExited);
        Assert.False(second.HasExited);
    }

    [Fact]
    public async Task DryRun_OverCeiling_PlannedAndRecordedButNothingSignalled()
    {
        var only = Start("sleep 600");
        using var host = Host([(only.Id, "ads")], new Dictionary<int, long> { [only.Id] = 2048 * MiB }, Policy(EnforcementMode.DryRun, maxEvictions: 5));
        Assert.True(await host.RunUntilAsync(() => host.Enforcer.RecentActions().Any(a => a.Action == KnownPolicyTypes.Actions.Evict), TimeSpan.FromSeconds(30)));
        await host.RunUntilAsync(() => false, TimeSpan.FromSeconds(3));
        Assert.False(only.HasExited);
        Assert.All(host.Enforcer.RecentActions().Where(a => a.Action == KnownPolicyTypes.Actions.Evict), a => Assert.Equal(ActionResults.DryRun, a.Result));
    }

    [Fact]
    public void Validate_EvictWithoutMemoryCeiling_ErrorNamesTheAction()
    {
        var policy = new PolicyOptions
        {
            Name = "p",
            Tenant = "ads",
            Objectives = [new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MaxSmShare, Share = 0.5 }],
            Actions = [new ActionOptions { Type = KnownPolicyTypes.Actions.Evict }],
        };
        var error = Assert.Single(policy.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(policy)));
        Assert.Equal("evict needs a max-memory objective in the same policy", error.ErrorMessage);
        Assert.Equal(["actions[0].type"], error.MemberNames);
    }

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit(5000);
            }

            p.Dispose();
        }

        _dir.Delete(recursive: true);
    }

    private static PolicyOptions Policy(EnforcementMode mode, int maxEvictions) => new()
    {
        Name = "ads-memory",
        Tenant = "ads",
        Mode = mode,
        For = TimeSpan.Zero,
        Objectives = [new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MaxMemory, Bytes = 1024 * MiB, Window = TimeSpan.FromSeconds(1) }],
        Actions = [new ActionOptions { Type = KnownPolicyTypes.Actions.Evict, Grace = TimeSpan.FromSeconds(1), MaxEvictions = maxEvictions, EvictionWindow = TimeSpan.FromMinutes(10) }],
    };

    private Process Start(string script)
    {
        var p = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", script]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not start /bin/sh");
        _processes.Add(p);
        return p;
    }

    private RealHost Host(IReadOnlyList<(int Pid, string User)> processes, Dictionary<int, long> memory, PolicyOptions policy)
    {
        var backend = new ProcCpuBackend(processes, memory);
        var attributor = new UserAttributor(new Dictionary<string, string> { ["ads"] = "ads", ["search"] = "search" });
        var options = new EnforcementOptions { Journal = Path.Combine(_dir.FullName, $"{Guid.NewGuid():N}.jsonl") };
        return new RealHost(backend, new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, attributor, TimeProvider.System, new BackendErrorCounter()),
            // The processes are this test host's children: the daemon-tree exclusion would (rightly) refuse them.
            TestEnforcer.Create(options, [policy], SimHost.Factories, backend, TimeProvider.System, NullLogger<SlaEnforcer>.Instance,
                new OsProcessActuator(options.ThrottlePeriod, TimeProvider.System, exclusions: new ProcessExclusions(daemon: null))));
    }

    private sealed class RealHost(ProcCpuBackend backend, CollectionPipeline pipeline, SlaEnforcer enforcer) : IDisposable
    {
        private readonly SnapshotStore _store = new(100);

        public SlaEnforcer Enforcer => enforcer;

        public async Task<bool> RunUntilAsync(Func<bool> done, TimeSpan limit)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < limit)
            {
                var snapshot = pipeline.Collect();
                _store.Publish(snapshot);
                enforcer.Evaluate(snapshot, _store.Window(TimeSpan.FromSeconds(1)));
                if (done())
                {
                    return true;
                }

                await Task.Delay(250);
            }

            return done();
        }

        public void Dispose()
        {
            enforcer.Dispose();
            backend.Dispose();
        }
    }
}
