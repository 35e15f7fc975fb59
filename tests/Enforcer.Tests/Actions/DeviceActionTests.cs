using GpuQos.Backends.Simulation;
using GpuQos.Enforcer.Actions;
using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Engine;
using GpuQos.Enforcer.Evaluation;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Tests.TestSupport;
using GpuQos.Model.Devices;

namespace GpuQos.Enforcer.Tests.Actions;

/// <summary>
/// power-limit, compute-mode, mps-threads and vgpu-scheduler on the simulated host: applied on a breach,
/// put back on recovery or stop, and refused where docs/policies.md says they cannot work.
/// </summary>
public sealed class DeviceActionTests
{
    /// <summary>An MPS GPU and a time-sliced one, each shared by recsys and search.</summary>
    private const string MpsHost = """
        gpus:
          - model: A100-SXM4-40GB
            mode: mps
            mpsServerPid: 3900
            workloads:
              - {name: recsys-a, pid: 3901, process: python3, user: recsys, memory: 6GiB, demand: {kind: steady, level: 0.3}}
              - {name: search-a, pid: 3911, process: python3, user: search, memory: 4GiB, demand: {kind: steady, level: 0.3}}
          - model: A100-SXM4-80GB
            mode: time-sliced
            workloads:
              - {name: recsys-b, pid: 3921, process: python3, user: recsys, memory: 6GiB, demand: {kind: steady, level: 0.3}}
              - {name: search-b, pid: 3931, process: python3, user: search, memory: 4GiB, demand: {kind: steady, level: 0.3}}
        """;

    [Fact]
    public void PowerLimitAndComputeMode_BreachThenRecovery_SetThenRestored()
    {
        var policy = new PolicyOptions
        {
            Name = "search-floor",
            Tenant = "search",
            Gpus = [1],
            For = TimeSpan.FromSeconds(5),
            Objectives = [new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MinSmShare, Share = 0.30 }],
            Actions =
            [
                new ActionOptions { Type = KnownPolicyTypes.Actions.PowerLimit, Watts = 250 },
                new ActionOptions { Type = KnownPolicyTypes.Actions.ComputeMode, ComputeMode = ComputeMode.ExclusiveProcess },
            ],
        };
        using var host = new SimHost([policy]);
        var before = host.Tick().Gpus[1].Device!;
        Assert.NotEqual(250, before.PowerLimitWatts);
        Assert.NotEqual(ComputeMode.ExclusiveProcess, before.ComputeMode);

        var enforcingAt = -1;
        var applied = false;
        var restored = false;
        for (var t = 0; t < 120 && !restored; t++)
        {
            var device = host.Tick().Gpus[1].Device!;
            var state = host.Enforcer.Status().Single().State;
            if (enforcingAt >= 0 && t == enforcingAt + 1)
            {
                // A snapshot is collected before the cycle's evaluation: the next one shows what was applied.
                Assert.Equal(250, device.PowerLimitWatts);
                Assert.Equal(ComputeMode.ExclusiveProcess, device.ComputeMode);
                applied = true;
            }

            enforcingAt = state == SlaState.Enforcing && enforcingAt < 0 ? t : enforcingAt;
            restored = applied && state == SlaState.Ok;
        }

        // The neighbour on GPU 1 calms down at 85 s; the floor is met again and both settings are put back.
        Assert.True(applied, "the breach never applied the actions");
        Assert.True(restored, "the policy never recovered");
        var after = host.Tick().Gpus[1].Device!;
        Assert.Equal(before.PowerLimitWatts, after.PowerLimitWatts);
        Assert.Equal(before.ComputeMode, after.ComputeMode);
        Assert.Equal(2, host.Enforcer.RecentActions().Count(a => a.Result == ActionResults.Reverted));
        Assert.Empty(ActionJournal.Outstanding(ActionJournal.ReadAll(host.Enforcer.JournalPath)));
    }

    [Fact]
    public void MpsThreads_SimulatedHost_RefusedOnBothGpusWithTheirReasons()
    {
        // The simulated host has no MPS control daemon (MpsActionTests runs the action against the stand-in), and
        // GPU 1 is time-sliced: nothing is sent anywhere.
        var policy = new PolicyOptions
        {
            Name = "search-alone",
            Tenant = "search",
            Gpus = [0, 1],
            For = TimeSpan.FromSeconds(2),
            Objectives = [new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MaxCoTenants, Count = 0 }],
            Actions = [new ActionOptions { Type = KnownPolicyTypes.Actions.MpsThreads, Percentage = 40 }],
        };
        using var host = new SimHost([policy], scenario: ScenarioLoader.Parse(MpsHost, "mps test host"), record: true);
        for (var t = 0; t < 10; t++)
        {
            host.Tick();
        }

        Assert.Empty(host.Recorder!.Calls);
        Assert.Contains(host.Enforcer.RecentActions(), a => a.Gpu == 0 && a.Action == KnownPolicyTypes.Actions.MpsThreads && a.Result == ActionResults.Refused && a.Detail.StartsWith("MPS is not controlled on this backend", StringComparison.Ordinal));
        Assert.Contains(host.Enforcer.RecentActions(), a => a.Gpu == 1 && a.Action == KnownPolicyTypes.Actions.MpsThreads && a.Result == ActionResults.Refused && a.Detail == "the GPU is not shared through MPS");
    }

    [Fact]
    public void VgpuScheduler_VmsRunningOrNotVgpu_Refused_NoVm_SetAndRestored()
    {
        // The demo host: GPU 2 serves four VMs under vGPU, GPU 1 is time-sliced.
        using var host = new SimHost([]);
        var latest = host.Tick();
        var action = new VgpuSchedulerActionFactory().Create(new ActionOptions
        {
            Type = KnownPolicyTypes.Actions.VgpuScheduler,
            Scheduler = VgpuSchedulerPolicy.EqualShare,
            Timeslice = TimeSpan.FromMilliseconds(1),
        });
        using var journal = new ActionJournal(Path.Combine(host.Directory.FullName, "vgpu.jsonl"));
        Assert.Equal("VMs are running; NVML changes the vGPU scheduler only while no VM runs", action.Refusal(Context(host, latest, host.Backend, journal, gpu: 2)));
        Assert.Equal("the GPU is not in vGPU mode", action.Refusal(Context(host, latest, host.Backend, journal, gpu: 1)));

        // What the refusal spares: the driver (here the simulator, as NVML) rejects the change while VMs run.
        Assert.Throws<Model.Backends.GpuBackendException>(() => action.Apply(Context(host, latest, host.Backend, journal, gpu: 2), journal));

        // The same GPU once its VMs are gone: allowed, set, journaled with the previous scheduler, and undone.
        var noVms = latest with { Gpus = [.. latest.Gpus.Select((g, i) => i == 2 ? g with { Partitions = [] } : g)] };
        var control = new SchedulerControl(VgpuSchedulerPolicy.BestEffort, 2000);
        var idle = Context(host, noVms, control, journal, gpu: 2);
        Assert.Null(action.Refusal(idle));
        var applied = action.Apply(idle, journal)!;
        Assert.Equal((VgpuSchedulerPolicy.EqualShare, 1000u), control.State);
        Assert.Contains(ActionJournal.ReadAll(journal.Path), e => e.Action == KnownPolicyTypes.Actions.VgpuScheduler && e.PreviousScheduler == VgpuSchedulerPolicy.BestEffort && e.PreviousTimesliceMicroseconds == 2000);

        new ActionReverter(control, new Dictionary<string, IProcessActuator>(), new CgroupFreezer(host.Directory.FullName)).Revert(applied.Entry);
        Assert.Equal((VgpuSchedulerPolicy.BestEffort, 2000u), control.State);
    }

    private static ActionContext Context(SimHost host, Model.Snapshots.HostSnapshot latest, Model.Backends.IGpuControl control, ActionJournal journal, int gpu) => new()
    {
        Policy = new PolicyOptions { Name = "vm-fairness", Tenant = "vdi" },
        Tenant = "vdi",
        Gpu = gpu,
        Latest = latest,
        Results = [],
        Options = host.Options,
        Control = control,
        Processes = new SimulatedProcessActuator(host.Backend),
        Freezer = new CgroupFreezer(host.Directory.FullName),
        Time = host.Time,
    };
}
