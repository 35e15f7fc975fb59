using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using GpuQos.Daemon.Tests.TestSupport;
using GpuQos.Enforcer.Journal;

namespace GpuQos.Daemon.Tests.Operations;

/// <summary>
/// A running <c>gpuqos run --backend sim</c> whose configuration file is rewritten and sent SIGHUP: the tenants
/// it attributes and the policies it enforces change without a restart, seen from outside through
/// <c>/metrics</c>, <c>/api/v1/state</c>, <c>/api/v1/actions</c> and the action journal.
/// </summary>
public sealed class PolicyReloadTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string Journal => Path.Combine(_dir.Path, "actions.jsonl");

    [Fact]
    public async Task Sighup_TenantAndPolicyAddedOneRemoved_TakeEffectAndTheRemovedPolicysActionsAreLifted()
    {
        // search is held to 5% of the time-sliced GPU: it is throttled and the GPU's clock locked at once.
        var config = _dir.Write("gpuqos.yaml", SearchCap());
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim", "--config", config]);
        await EventuallyAsync(daemon, s => Value(s, "gpuqos_sla_state", ("policy", "search-cap"), ("state", "enforcing")) == 1 && ClocksLocked(s) == 1);
        var before = ExpositionParser.Parse(await daemon.ScrapeAsync());
        Assert.DoesNotContain(before, s => s.Labels.GetValueOrDefault("tenant") == "ads");

        // Adds the tenant ads and a policy for it; search-cap goes. The attribution section is read once, at start.
        await File.WriteAllTextAsync(config, AdsMemory() + "attribution:\n  refresh: 20s\n");
        DaemonProcess.Signal(daemon.ProcessId, "HUP");
        await EventuallyAsync(daemon, s => Value(s, "gpuqos_sla_state", ("policy", "ads-memory"), ("state", "enforcing")) == 1 && ClocksLocked(s) == 0);

        var after = ExpositionParser.Parse(await daemon.ScrapeAsync());
        Assert.Contains(after, s => s.Name == "gpuqos_tenant_sm_share_ratio" && s.Labels["tenant"] == "ads" && s.Labels["gpu"] == "1");
        Assert.Contains(after, s => s.Name == "gpuqos_tenant_sm_share_ratio" && s.Labels["tenant"] == "search");
        Assert.DoesNotContain(after, s => s.Name.StartsWith("gpuqos_sla_", StringComparison.Ordinal) && s.Labels.GetValueOrDefault("policy") == "search-cap");
        Assert.Equal(["ads-memory"], (await SlaRowsAsync(daemon)).Select(r => r.GetProperty("policy").GetString()).Distinct());

        // Both of search-cap's actions were lifted and journaled as lifted, as a graceful stop would.
        var lifted = (await daemon.Http.GetFromJsonAsync<JsonElement>("/api/v1/actions")).EnumerateArray()
            .Where(a => a.GetProperty("policy").GetString() == "search-cap" && a.GetProperty("result").GetString() == "reverted").ToList();
        Assert.Equal(["lock-clocks", "throttle"], lifted.Select(a => a.GetProperty("action").GetString()).Order(StringComparer.Ordinal));
        Assert.All(lifted, a => Assert.StartsWith("policy removed by a configuration reload", a.GetProperty("detail").GetString(), StringComparison.Ordinal));
        Assert.DoesNotContain(ActionJournal.Outstanding(ActionJournal.ReadAll(Journal)), e => e.Policy == "search-cap");
        Assert.Contains("Policies reloaded: 0 kept, 1 added, 0 changed, 1 removed; 2 action(s) lifted", daemon.Output, StringComparison.Ordinal);
        Assert.Contains("attribution changed; it takes effect at the next restart", daemon.Output, StringComparison.Ordinal);
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task Sighup_InvalidFile_RejectedAndTheTenantsAndPoliciesInForceStay()
    {
        var config = _dir.Write("gpuqos.yaml", AdsMemory());
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim", "--config", config]);
        await EventuallyAsync(daemon, s => Value(s, "gpuqos_sla_state", ("policy", "ads-memory"), ("state", "enforcing")) == 1);
        var enforcingSince = (await SlaRowsAsync(daemon)).Single().GetProperty("since").GetDateTimeOffset();

        // Drops ads but keeps a policy that names it: the file is rejected whole.
        await File.WriteAllTextAsync(config, AdsMemory().Replace("  - {name: ads, match: [{user: ads}]}\n", "", StringComparison.Ordinal));
        DaemonProcess.Signal(daemon.ProcessId, "HUP");
        await EventuallyAsync(daemon, s => Value(s, "gpuqos_config_last_reload_success") == 0);

        var samples = ExpositionParser.Parse(await daemon.ScrapeAsync());
        Assert.Contains(samples, s => s.Name == "gpuqos_tenant_sm_share_ratio" && s.Labels["tenant"] == "ads");
        Assert.Equal(1, Value(samples, "gpuqos_sla_state", ("policy", "ads-memory"), ("state", "enforcing")));
        var row = (await SlaRowsAsync(daemon)).Single();
        Assert.Equal(enforcingSince, row.GetProperty("since").GetDateTimeOffset());
        Assert.Contains("ads-memory", daemon.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Policies reloaded", daemon.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    private string Head(params string[] tenants) =>
        "settings:\n  interval: 1s\ntenants:\n" + string.Concat(tenants.Select(t => $"  - {{name: {t}, match: [{{user: {t}}}]}}\n"))
        + $"enforcement:\n  journal: {Journal}\n";

    private string SearchCap() => Head("search") + """
        policies:
          - name: search-cap
            tenant: search
            gpus: [1]
            objectives:
              - {type: max-sm-share, share: 0.05, window: 1s}
            for: 0s
            actions:
              - type: throttle
              - {type: lock-clocks, minMhz: 1410, maxMhz: 1410}

        """;

    // ads holds 9 GiB on the time-sliced GPU, over this ceiling from the first cycle.
    private string AdsMemory() => Head("search", "ads") + """
        policies:
          - name: ads-memory
            tenant: ads
            gpus: [1]
            objectives:
              - {type: max-memory, bytes: 1GiB}
            for: 0s
            actions:
              - {type: priority, nice: 5}

        """;

    private static double? ClocksLocked(IReadOnlyList<Sample> samples) => Value(samples, "gpuqos_gpu_clocks_locked", ("gpu", "1"));

    private static double? Value(IReadOnlyList<Sample> samples, string name, params (string Key, string Value)[] labels) =>
        samples.FirstOrDefault(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Key) == l.Value))?.Value;

    private static async Task<IReadOnlyList<JsonElement>> SlaRowsAsync(DaemonProcess daemon) =>
        [.. (await daemon.Http.GetFromJsonAsync<JsonElement>("/api/v1/state")).GetProperty("sla").EnumerateArray()];

    private static async Task EventuallyAsync(DaemonProcess daemon, Func<IReadOnlyList<Sample>, bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition(ExpositionParser.Parse(await daemon.ScrapeAsync())))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "not reached within 30 s:\n" + daemon.Output);
            await Task.Delay(200);
        }
    }
}
