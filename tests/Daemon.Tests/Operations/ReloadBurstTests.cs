using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using GpuQos.Daemon.Tests.Nvml;
using GpuQos.Daemon.Tests.TestSupport;
using GpuQos.Enforcer.Journal;
using Xunit.Abstractions;

namespace GpuQos.Daemon.Tests.Operations;

/// <summary>
/// Fault (issue #9): a burst of reloads while the daemon collects and enforces on real processes. The NVML
/// stand-in reports two CPU burners sharing one core as GPU processes; a floor policy for one throttles the
/// other with SIGSTOP/SIGCONT. The file is rewritten and SIGHUP sent many times in quick succession,
/// alternating valid files (the policy kept, changed, removed, the tenants changed) with invalid ones, some
/// written in place and some renamed over the old one.
/// </summary>
[Collection(CpuTimingCollection.Name)]
public sealed partial class ReloadBurstTests(NvmlStubBuild stub, ITestOutputHelper output) : IClassFixture<NvmlStubBuild>
{
    private const int Rewrites = 80;
    private static readonly TimeSpan Spacing = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan BurstDeadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SighupBurst_ValidAndInvalidFilesWhileThrottling_StaysUpEndsOnTheLastValidFileNothingLeftStopped()
    {
        // Quarantined from 2026-12-07 03:02 until the cause was found: the CI harness runs the tests with SIGHUP
        // ignored, the daemon inherited that, and the runtime installs no handler for an ignored signal. Every
        // SIGHUP of the burst was dropped, and the file watcher's 300 ms settle never ran out between rewrites 200 ms
        // apart, so nothing reloaded. The daemon now restores SIGHUP's default before registering
        // (InheritedSignals); ConfigReloadTests.Sighup_InheritedIgnored_StillReloadsTheUnchangedFile covers it alone.
        using var core = ContendedCore.Start(stub);
        var (victim, noisy, journal) = (core.Victim, core.Noisy, core.Journal);
        var head = $"settings:\n  interval: 1s\nenforcement:\n  journal: {journal}\n";
        string Tenants(params string[] names) => "tenants:\n" + string.Concat(names.Select(n => $"  - {{name: {n}, match: [{{process: {n}}}]}}\n"));
        string Floor(double share) => FormattableString.Invariant($$"""
            policies:
              - name: victim-floor
                tenant: victim
                objectives:
                  - {type: min-sm-share, share: {{share}}, window: 1s}
                for: 0s
                cooldown: 0s
                actions:
                  - type: throttle

            """);

        // Valid: the floor in force (the tenant "spare" added or not, which keeps the policy), the floor changed, no policy.
        string[] valid =
        [
            head + Tenants("victim", "noisy") + Floor(0.65),
            head + Tenants("victim", "noisy", "spare") + Floor(0.65),
            head + Tenants("victim", "noisy") + Floor(0.65),
            head + Tenants("victim", "noisy", "spare") + Floor(0.6),
            head + Tenants("victim", "noisy") + Floor(0.65),
            head + Tenants("victim", "noisy", "spare") + Floor(0.65),
            head + Tenants("victim", "noisy", "spare"),
        ];
        string[] invalid =
        [
            head + Tenants("victim", "noisy") + "policies: [\n",
            head.Replace("interval:", "intervall:", StringComparison.Ordinal) + Tenants("victim", "noisy") + Floor(0.65),
            head + Tenants("noisy") + Floor(0.65),
            head + Tenants("victim", "noisy") + Floor(1.5),
            head + Tenants("victim", "noisy", "noisy"),
        ];
        // The last valid file names the neighbour's tenant differently: its series must follow.
        var final = head + Tenants("victim", "spare") + "  - {name: neighbour, match: [{process: noisy}]}\n";

        var config = core.WriteConfig(valid[0]);
        var environment = core.Environment();
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "nvml", "--config", config], environment);

        var clock = Stopwatch.StartNew();
        // At least Rewrites reloads; then the burst goes on (to a deadline) until it has seen the floor throttle and a
        // reload lift a throttle: on a loaded machine the floor's first violated window can come late in the burst.
        List<JsonElement> actions = [];
        var rewrites = 0;
        for (var i = 0; i < Rewrites || (!BurstEnforced(actions) && clock.Elapsed < BurstDeadline); i++)
        {
            var text = i % 2 == 0 ? valid[i / 2 % valid.Length] : invalid[i / 2 % invalid.Length];
            if (i % 3 == 0)
            {
                // As an editor saves: a new file renamed over the old one.
                var next = config + ".tmp";
                await File.WriteAllTextAsync(next, text);
                File.Move(next, config, overwrite: true);
            }
            else
            {
                await File.WriteAllTextAsync(config, text);
            }

            DaemonProcess.Signal(daemon.ProcessId, "HUP");
            Assert.Contains("gpuqos_config_last_reload_success", await daemon.ScrapeAsync(), StringComparison.Ordinal);
            await Task.Delay(Spacing);
            rewrites++;
            if (i >= Rewrites - 1)
            {
                actions = (await daemon.Http.GetFromJsonAsync<JsonElement>("/api/v1/actions?limit=10000")).EnumerateArray().ToList();
            }
        }

        var burst = clock.Elapsed;

        // The burst really enforced: the floor throttled the neighbour, and reloads lifted throttles. On failure the
        // daemon's log comes with it: in the full CI suite this failed with one throttle and nothing after it.
        Assert.True(BurstEnforced(actions), $"{rewrites} rewrites in {burst.TotalSeconds:0.0} s: the floor throttled and a reload lifted it? actions:\n{string.Join("\n", actions)}\ndaemon log:\n{daemon.Output}");

        // The last valid file, then an invalid one: the daemon ends on the valid one. The new tenants take over
        // from the cycle after the reload, so the test waits for them, then lets two more cycles pass.
        await File.WriteAllTextAsync(config, final);
        DaemonProcess.Signal(daemon.ProcessId, "HUP");
        await EventuallyAsync(daemon, async () => FinalStateHolds(await daemon.ScrapeAsync()));
        await File.WriteAllTextAsync(config, invalid[0]);
        DaemonProcess.Signal(daemon.ProcessId, "HUP");
        await EventuallyAsync(daemon, async () => (await daemon.ScrapeAsync()).Contains("gpuqos_config_last_reload_success 0", StringComparison.Ordinal));
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        Assert.True(FinalStateHolds(await daemon.ScrapeAsync()), await daemon.ScrapeAsync());
        Assert.Equal(["victim", "spare", "neighbour"], await ConfigTenantsAsync(daemon));
        Assert.Empty((await daemon.Http.GetFromJsonAsync<JsonElement>("/api/v1/state")).GetProperty("sla").EnumerateArray());

        // No policy is in force, so nothing may be stopped: watch the neighbour for a second.
        await AssertNeverStoppedAsync(noisy.Pid, TimeSpan.FromSeconds(1));
        AssertJournalParses(journal);
        Assert.Empty(ActionJournal.Outstanding(ActionJournal.ReadAll(journal)));

        var applied = Count(daemon.Output, "reloaded on SIGHUP");
        var rejected = Count(daemon.Output, "rejected on SIGHUP");
        output.WriteLine($"{rewrites} rewrites + SIGHUP in {burst.TotalSeconds:0.0} s: {applied} applied, {rejected} rejected (including the 2 after the burst); " +
            $"{actions.Count(a => a.GetProperty("result").GetString() == "applied")} actions applied, {actions.Count(a => a.GetProperty("result").GetString() == "reverted")} reverted");
        Assert.True(applied >= Rewrites / 4, $"only {applied} reloads applied:\n{daemon.Output}");
        Assert.True(rejected >= Rewrites / 4, $"only {rejected} reloads rejected:\n{daemon.Output}");
        Assert.DoesNotContain("failed to apply the reloaded configuration", daemon.Output, StringComparison.Ordinal);

        Assert.Equal(0, await daemon.StopAsync());
        Assert.NotEqual('T', ProcState.Of(noisy.Pid));
        Assert.NotEqual('T', ProcState.Of(victim.Pid));
        AssertJournalParses(journal);
    }

    private static bool BurstEnforced(List<JsonElement> actions) =>
        actions.Any(a => a.GetProperty("action").GetString() == "throttle" && a.GetProperty("result").GetString() == "applied")
        && actions.Any(a => a.GetProperty("result").GetString() == "reverted" && a.GetProperty("detail").GetString()!.Contains("configuration reload", StringComparison.Ordinal));

    // The last valid file: no policy, and the neighbour's processes under the tenant "neighbour", not "noisy".
    // The usage counters are the exception by design: a tenant's GPU-seconds so far stay exposed (they stop
    // growing) so that increase() over a range that saw the tenant counts all of its use (docs/metrics.md).
    private static bool FinalStateHolds(string metrics)
    {
        var samples = ExpositionParser.Parse(metrics);
        var noisy = samples.Where(s => s.Labels.GetValueOrDefault("tenant") == "noisy").ToList();
        return !samples.Any(s => s.Name == "gpuqos_sla_state")
            && samples.Any(s => s.Name == "gpuqos_tenant_sm_share_ratio" && s.Labels["tenant"] == "neighbour")
            && samples.Any(s => s.Name == "gpuqos_tenant_sm_seconds_total" && s.Labels["tenant"] == "neighbour")
            && noisy.All(s => s.Name is "gpuqos_tenant_sm_seconds_total" or "gpuqos_tenant_memory_byte_seconds_total" or "gpuqos_tenant_reserved_seconds_total");
    }

    private static async Task<string[]> ConfigTenantsAsync(DaemonProcess daemon) =>
        (await daemon.Http.GetFromJsonAsync<JsonElement>("/api/v1/state")).GetProperty("config").GetProperty("tenants").EnumerateArray().Select(t => t.GetString()!).ToArray();

    private static int Count(string text, string what) => Regex.Count(text, Regex.Escape(what));

    private static void AssertJournalParses(string journal)
    {
        foreach (var line in File.ReadLines(journal).Where(l => l.Length > 0))
        {
            using var _ = JsonDocument.Parse(line);
        }
    }

    private static async Task AssertNeverStoppedAsync(int pid, TimeSpan period)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < period)
        {
            Assert.NotEqual('T', ProcState.Of(pid));
            await Task.Delay(5);
        }
    }

    private static async Task EventuallyAsync(DaemonProcess daemon, Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "not reached within 30 s:\n" + daemon.Output);
            await Task.Delay(100);
        }
    }
}
