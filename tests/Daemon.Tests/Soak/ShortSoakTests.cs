using System.Diagnostics;
using System.Globalization;
using GpuQos.Daemon.Tests.TestSupport;
using Xunit.Abstractions;

namespace GpuQos.Daemon.Tests.Soak;

/// <summary>
/// The short soak that runs in CI: the daemon on a host that churns processes every second and recreates MIG
/// instances, scraped every second. Series of gone processes and partitions must not accumulate, and resident
/// memory must stay flat after warm-up. The 30-minute version is the same test with GPUQOS_SOAK_SECONDS=1800.
/// </summary>
public sealed class ShortSoakTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Churn_SeriesReturnToBaseline_AndMemoryStaysFlat()
    {
        var seconds = int.Parse(Environment.GetEnvironmentVariable("GPUQOS_SOAK_SECONDS") ?? "45", CultureInfo.InvariantCulture);
        var warmUp = TimeSpan.FromSeconds(Math.Max(20, seconds / 3));

        // The snapshot history is bounded by design and fills for its first `history`; keep it shorter than the
        // warm-up so that what is measured after warm-up is growth that would never stop.
        using var dir = new TempDir();
        var config = dir.Write("soak.yaml", "settings:\n  history: 10s\n");
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim", "--scenario", RepoPaths.Combine("scenarios", "churn.yaml"), "--config", config]);

        var clock = Stopwatch.StartNew();
        var counts = new List<int>();
        var partitionInfoMax = 0;
        var pidsSeen = new HashSet<string>();
        long rssAfterWarmUp = 0, rssEnd = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            var samples = ExpositionParser.Parse(await daemon.ScrapeAsync());
            counts.Add(samples.Count);
            partitionInfoMax = Math.Max(partitionInfoMax, samples.Count(s => s.Name == "gpuqos_partition_info" && s.Labels["gpu"] == "1"));
            pidsSeen.UnionWith(samples.Where(s => s.Name == "gpuqos_process_memory_used_bytes").Select(s => s.Labels["pid"]));
            var rss = ResidentBytes(daemon.ProcessId);
            if (rssAfterWarmUp == 0 && clock.Elapsed >= warmUp)
            {
                rssAfterWarmUp = rss;
            }

            rssEnd = rss;
            await Task.Delay(1000);
        }

        output.WriteLine($"series per scrape: min {counts.Min()}, max {counts.Max()}, last {counts[^1]}; RSS after warm-up {rssAfterWarmUp >> 20} MiB, at end {rssEnd >> 20} MiB");

        // The churn really happened: every scheduled process was seen at some point.
        Assert.True(pidsSeen.Count == 9, "pids seen: " + string.Join(",", pidsSeen.Order()));

        // At most three MIG instances exist at once; each is recreated with a new UUID, which must replace the
        // old series instead of adding to it.
        Assert.Equal(3, partitionInfoMax);

        // The host cycles every 12 s, so later series counts stay within the range of the first two periods. Two,
        // not one: a scrape lands at a different phase of the cycle each time (and later under load), so a single
        // period's dozen scrapes can miss the moment of the cycle with the most series.
        var baseline = counts.Take(24).ToList();
        Assert.True(counts.Count > baseline.Count, $"only {counts.Count} scrapes in {seconds} s: nothing after the baseline to compare");
        Assert.All(counts.Skip(24), c => Assert.InRange(c, baseline.Min(), baseline.Max()));

        // Over the first minutes the runtime is still warming up (tiered JIT, allocator arenas): the short run has
        // shown 4-7% growth after its 20 s warm-up, so it only guards against gross leaks (15%). The long soak
        // (10 minutes or more, warm-up a third of it) holds the 5%.
        var tolerance = seconds >= 600 ? 0.05 : 0.15;
        Assert.True(rssEnd <= rssAfterWarmUp * (1 + tolerance), $"RSS grew from {rssAfterWarmUp >> 20} MiB to {rssEnd >> 20} MiB after warm-up (limit {tolerance:P0})");
    }

    private static long ResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
