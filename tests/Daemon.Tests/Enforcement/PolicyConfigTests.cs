using System.Text.Json;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Enforcement;

public sealed class PolicyConfigTests
{
    [Fact]
    public void Check_DemoConfiguration_Valid()
    {
        var errors = ConfigLoader.Check(File.ReadAllText(RepoPaths.Combine("scenarios", "demo-config.yaml")));
        Assert.Empty(errors);
    }

    [Fact]
    public void Check_PolicyNamesUnknownTenants_EachErrorNamesItsPath()
    {
        var errors = ConfigLoader.Check("""
            tenants:
              - {name: search, match: [{user: search}]}
            enforcement:
              weights: {nobody: 2}
            policies:
              - name: p
                tenant: serach
                objectives: [{type: min-sm-share, share: 0.3}]
                actions: [{type: throttle, tenants: [research]}]
              - name: p
                tenant: search
                objectives: [{type: max-sm-share, share: 0.9}]
            """);

        var paths = errors.Select(e => e.Path).ToList();
        Assert.Contains("policies[0].tenant", paths);
        Assert.Contains("policies[0].actions[0].tenants", paths);
        Assert.Contains("policies[1].name", paths);
        Assert.Contains("enforcement.weights.nobody", paths);
        Assert.Contains(errors, e => e.Message.Contains("serach", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("99")]
    public void Check_SloNotStrictlyBetweenZeroAndOne_ErrorNamesThePolicysSlo(string slo)
    {
        var errors = ConfigLoader.Check($$"""
            tenants:
              - {name: search, match: [{user: search}]}
            policies:
              - name: p
                tenant: search
                slo: {{slo}}
                objectives: [{type: min-sm-share, share: 0.3}]
            """);

        var error = Assert.Single(errors);
        Assert.Equal("policies[0].slo", error.Path);
        Assert.Contains("between 0 and 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Daemon_DemoHost_ExposesSlaStateActionsAndPolicyMetrics()
    {
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim"]);
        using var state = JsonDocument.Parse(await daemon.Http.GetStringAsync("/api/v1/state"));
        Assert.Equal(JsonValueKind.Array, state.RootElement.GetProperty("sla").ValueKind);
        using var actions = JsonDocument.Parse(await daemon.Http.GetStringAsync("/api/v1/actions"));
        Assert.Equal(JsonValueKind.Array, actions.RootElement.ValueKind);
        var metrics = await daemon.ScrapeAsync();
        Assert.Contains("gpuqos_sla_policy_failed{policy=\"search-guaranteed-share\"} 0", metrics, StringComparison.Ordinal);
        Assert.Contains("gpuqos_enforcement_paused 0", metrics, StringComparison.Ordinal);

        // The SLO from the policy's configuration, for the burn-rate alerts.
        Assert.Contains("gpuqos_sla_compliance_target_ratio{tenant=\"search\",policy=\"search-guaranteed-share\"} 0.99", metrics, StringComparison.Ordinal);
    }
}
