using GpuQos.Enforcer.Policies;
using GpuQos.Model.Configuration;

namespace GpuQos.Enforcer.Tests.Policies;

public sealed class PolicyOptionsTests
{
    private static IReadOnlyList<ConfigError> Errors(string yaml) => YamlBinder.Bind<PolicyOptions>(yaml).Errors;

    [Fact]
    public void Bind_CompletePolicy_BindsEveryField()
    {
        var (policy, errors) = YamlBinder.Bind<PolicyOptions>("""
            name: search-floor
            tenant: search
            gpus: [1]
            mode: dry-run
            for: 5s
            hysteresis: 0.03
            cooldown: 1m
            limits: {maxActions: 3, window: 10m}
            objectives:
              - {type: min-sm-share, share: 0.3, window: 3s}
              - {type: max-memory, bytes: 8GiB}
            actions:
              - {type: throttle, tenants: [research]}
              - {type: lock-clocks, minMhz: 1200, maxMhz: 1410}
            """);

        Assert.Empty(errors);
        Assert.Equal(EnforcementMode.DryRun, policy!.Mode);
        Assert.Equal(TimeSpan.FromMinutes(1), policy.Cooldown);
        Assert.Equal(3, policy.Limits.MaxActions);
        Assert.Equal(8L << 30, policy.Objectives[1].Bytes);
        Assert.Equal(["research"], policy.Actions[0].Tenants);
        Assert.Equal(1410u, policy.Actions[1].MaxMhz);
    }

    [Fact]
    public void Validate_ShareMissing_ErrorNamesObjectivePath()
    {
        var errors = Errors("name: p\ntenant: t\nobjectives:\n  - type: min-sm-share\n");
        Assert.Contains(errors, e => e.Path == "objectives[0].share");
    }

    [Fact]
    public void Validate_UnknownActionType_ErrorNamesActionPath()
    {
        var errors = Errors("name: p\ntenant: t\nobjectives: [{type: max-sm-share, share: 0.5}]\nactions:\n  - {type: throttle}\n  - {type: reboot}\n");
        var error = Assert.Single(errors);
        Assert.Equal("actions[1].type", error.Path);
        Assert.Contains("throttle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SettingOfAnotherActionType_ErrorNamesSetting()
    {
        var errors = Errors("name: p\ntenant: t\nobjectives: [{type: max-sm-share, share: 0.5}]\nactions:\n  - {type: lock-clocks, minMhz: 900, maxMhz: 1000, nice: 5}\n");
        Assert.Equal("actions[0].nice", Assert.Single(errors).Path);
    }

    [Fact]
    public void Validate_VgpuSchedulerAsAnAction_RefusedBecauseItCouldNeverAct()
    {
        var errors = Errors("name: p\ntenant: vdi\nobjectives: [{type: min-sm-share, share: 0.25}]\nactions:\n  - {type: vgpu-scheduler, scheduler: equal-share}\n");
        var error = Assert.Single(errors);
        Assert.Equal("actions[0].type", error.Path);
        Assert.StartsWith("vgpu-scheduler can never act in a policy: NVML changes the vGPU scheduler only while no VM runs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MpsAndEvictSettings_BoundAndChecked()
    {
        var (policy, errors) = YamlBinder.Bind<PolicyOptions>("""
            name: ads-memory
            tenant: ads
            objectives: [{type: max-memory, bytes: 8GiB}]
            actions:
              - {type: mps-memory-limit, bytes: 6GiB}
              - {type: evict, grace: 5s, maxEvictions: 2, evictionWindow: 1h}
            """);
        Assert.Empty(errors);
        Assert.Equal(6L << 30, policy!.Actions[0].Bytes);
        Assert.Equal(TimeSpan.FromSeconds(5), policy.Actions[1].Grace);
        Assert.Equal(2, policy.Actions[1].MaxEvictions);
        Assert.Equal("actions[0].bytes", Assert.Single(Errors("name: p\ntenant: t\nobjectives: [{type: max-memory, bytes: 1GiB}]\nactions:\n  - {type: evict, bytes: 1GiB}\n")).Path);
    }

    [Fact]
    public void Validate_MpsControlBinaryNotAbsolute_ErrorNamesTheSetting()
    {
        var (options, errors) = YamlBinder.Bind<EnforcementOptions>("mps:\n  controlBinary: nvidia-cuda-mps-control\n  pipeDirectory: /run/mps\n");
        var error = Assert.Single(errors);
        Assert.Equal("mps.controlBinary", error.Path);
        Assert.Contains("must be an absolute path", error.Message, StringComparison.Ordinal);
        Assert.Equal("/run/mps", options!.Mps.PipeDirectory);
        Assert.Empty(YamlBinder.Bind<EnforcementOptions>("mode: enforce\n").Errors);
    }

    [Fact]
    public void Validate_FloorAboveCeiling_ErrorNamesObjectives()
    {
        var errors = Errors("name: p\ntenant: t\nobjectives: [{type: min-sm-share, share: 0.6}, {type: max-sm-share, share: 0.5}]\n");
        Assert.Equal("objectives", Assert.Single(errors).Path);
    }

    [Fact]
    public void Validate_SeveralMistakes_EveryOneReported()
    {
        var errors = Errors("""
            name: Bad Name
            tenant: t
            for: -1s
            objectives:
              - {type: max-memory}
              - {type: max-co-tenants, count: 1, share: 0.5}
            actions:
              - {type: lock-clocks, minMhz: 1500, maxMhz: 1000}
              - {type: power-limit}
            """);

        var paths = errors.Select(e => e.Path).ToHashSet();
        Assert.Superset(new HashSet<string> { "name", "for", "objectives[0].bytes", "objectives[1].share", "actions[0].minMhz", "actions[1].watts" }, paths);
    }
}
