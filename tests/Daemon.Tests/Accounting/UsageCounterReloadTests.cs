using System.Diagnostics;
using GpuQos.Daemon.Tests.Operations;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Accounting;

/// <summary>
/// A running <c>gpuqos run --backend sim</c>: the usage counters grow every cycle, carry <c>gpu_model</c>, and a
/// configuration reload (SIGHUP) neither resets nor drops them.
/// </summary>
public sealed class UsageCounterReloadTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Sighup_TenantAddedAndFloorSet_CountersKeepGrowingFromWhereTheyWere()
    {
        var config = _dir.Write("gpuqos.yaml", Config("search"));
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim", "--config", config]);
        await EventuallyAsync(daemon, s => SmSeconds(s, "search") > 1);
        var before = ExpositionParser.Parse(await daemon.ScrapeAsync());
        var searchBefore = SmSeconds(before, "search");
        Assert.All(before.Where(s => s.Name == "gpuqos_tenant_sm_seconds_total"), s => Assert.False(string.IsNullOrEmpty(s.Labels["gpu_model"])));
        Assert.Contains(before, s => s.Name == "gpuqos_tenant_memory_byte_seconds_total" && s.Labels["tenant"] == "search" && s.Value > 0);

        // ads is added and search is given a floor on GPU 1: search's reserved time starts to grow there.
        await File.WriteAllTextAsync(config, Config("search", "ads") + """
            policies:
              - name: search-floor
                tenant: search
                gpus: [1]
                objectives:
                  - {type: min-sm-share, share: 0.5, window: 1s}
                for: 1h
                actions:
                  - type: throttle

            """);
        DaemonProcess.Signal(daemon.ProcessId, "HUP");
        await EventuallyAsync(daemon, s => SmSeconds(s, "ads") > 0 && Reserved(s, "search", "1") > 1);

        var after = ExpositionParser.Parse(await daemon.ScrapeAsync());
        Assert.True(SmSeconds(after, "search") > searchBefore, $"search's SM-seconds went from {searchBefore} to {SmSeconds(after, "search")}");
        Assert.Equal(0, await daemon.StopAsync());
    }

    public void Dispose() => _dir.Dispose();

    private static string Config(params string[] tenants) =>
        "settings:\n  interval: 1s\ntenants:\n" + string.Concat(tenants.Select(t => $"  - {{name: {t}, match: [{{user: {t}}}]}}\n"));

    private static double SmSeconds(IReadOnlyList<Sample> samples, string tenant) =>
        samples.Where(s => s.Name == "gpuqos_tenant_sm_seconds_total" && s.Labels["tenant"] == tenant).Sum(s => s.Value);

    private static double Reserved(IReadOnlyList<Sample> samples, string tenant, string gpu) =>
        samples.Where(s => s.Name == "gpuqos_tenant_reserved_seconds_total" && s.Labels["tenant"] == tenant && s.Labels["gpu"] == gpu).Sum(s => s.Value);

    private static async Task EventuallyAsync(DaemonProcess daemon, Func<IReadOnlyList<Sample>, bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition(ExpositionParser.Parse(await daemon.ScrapeAsync())))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "not reached within 60 s:\n" + daemon.Output);
            await Task.Delay(250);
        }
    }
}
