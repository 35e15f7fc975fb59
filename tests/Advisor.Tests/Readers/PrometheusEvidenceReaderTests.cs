using System.Text.Json;
using System.Text.RegularExpressions;
using GpuQos.Advisor.Readers;
using GpuQos.Advisor.Tests.TestSupport;

namespace GpuQos.Advisor.Tests.Readers;

/// <summary>
/// Issue 23: at 1,000 hosts x 7 days no advisor query may touch the whole fleet's window. The reader must read the
/// hosts in batches (an <c>instance=~</c> matcher each), find them a day of <c>gpuqos_gpu_info</c> at a time, and
/// give the same evidence as one query over all hosts would.
/// </summary>
public sealed class PrometheusEvidenceReaderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    // Dots, a port and an IPv6 literal's brackets: each must be quoted in the regular expression.
    private static readonly string[] Fleet = [.. Enumerable.Range(0, 19).Select(i => $"gpu-node-{i:00}.dc-1:9400"), "[fd00::7]:9400"];

    [Fact]
    public async Task ReadAsync_SevenDaysOfTwentyHosts_ReadsBatchesOfHostsAndFindsThemADayAtATime()
    {
        var prometheus = new RecordingPrometheus(Now, Fleet);

        // 35 host-days per query over 7 days: 5 hosts in each query.
        var evidence = await Read(prometheus, TimeSpan.FromDays(7), hostDaysPerQuery: 35);

        // Hosts last seen within the 7 days (i x 10 h + 7 min ago: 0..16), each found, including those only in older days.
        var visible = Fleet.Where((_, i) => RecordingPrometheus.LastSeen(i) < TimeSpan.FromDays(7)).ToArray();
        Assert.Equal(17, visible.Length);
        Assert.Equal(visible.Order(StringComparer.Ordinal), evidence.Select(e => e.Host));

        var discovery = prometheus.Answers.Where(a => a.Query.StartsWith("last_over_time(gpuqos_gpu_info[", StringComparison.Ordinal)).ToList();
        Assert.Equal([.. Enumerable.Range(0, 7).Select(d => Now.AddDays(-d))], discovery.Select(a => a.At).Order().Reverse());
        Assert.All(discovery, a => Assert.Contains("[1d]", a.Query, StringComparison.Ordinal));

        var batched = prometheus.Answers.Except(discovery).ToList();
        Assert.NotEmpty(batched);
        Assert.All(batched, a => Assert.InRange(a.Hosts.Count, 1, 5));
        foreach (var template in batched.GroupBy(a => Regex.Replace(a.Query, "instance=~\"(?:[^\"\\\\]|\\\\.)*\"", "HOSTS")))
        {
            // Every visible host in exactly one batch of each query.
            Assert.Equal(visible.Order(StringComparer.Ordinal), template.SelectMany(a => a.Hosts).Order(StringComparer.Ordinal));
        }

        // The batches' figures end up with their hosts.
        foreach (var host in evidence)
        {
            var i = Array.IndexOf(Fleet, host.Host);
            var tenant = Assert.Single(Assert.Single(host.Gpus).Tenants);
            Assert.Equal(0.20 + i / 100.0, tenant.Demand!.P50, 9);
            Assert.Equal(0.30 + i / 100.0, tenant.Demand.P95, 9);
            Assert.Equal(0.40 + i / 100.0, tenant.Demand.P99, 9);
            Assert.Equal(0.50 + i / 100.0, tenant.Demand.Max, 9);
            Assert.Equal(1000 + i, tenant.Demand.Samples);
            Assert.Equal((i + 1) * (1L << 30), tenant.MemoryPeakBytes);

            // Tenant data starts at the earliest of all batches' (1 h + 1 min per host index): host 16's, in the last batch.
            Assert.Equal(TimeSpan.FromSeconds(3600 + (60 * 16)), host.Window);
        }

        // No tenant data in the window's first hour: each batch's coverage asked for that hour, then for the window.
        var coverage = batched.Where(a => a.Query.Contains("timestamp(count(", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, coverage.Count(a => a.Query.EndsWith("[1h:1m] offset 167h)", StringComparison.Ordinal)));
        Assert.Equal(4, coverage.Count(a => a.Query.EndsWith("[7d:1m])", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ReadAsync_TenantDataInTheWindowsFirstHour_AsksThatHourAlone()
    {
        var prometheus = new RecordingPrometheus(Now, Fleet);

        // 90 minutes: host 0 alone was seen, and its tenant data starts 1 h ago, in the window's first hour
        // (90 to 30 minutes ago).
        var host = Assert.Single(await Read(prometheus, TimeSpan.FromMinutes(90), hostDaysPerQuery: 35));

        Assert.Equal(TimeSpan.FromHours(1), host.Window);
        var coverage = Assert.Single(prometheus.Answers, a => a.Query.Contains("timestamp(count(", StringComparison.Ordinal));
        Assert.EndsWith("[1h:1m] offset 1800s)", coverage.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_OneHostPerQueryOrAllInOne_GivesTheSameEvidence()
    {
        var one = await Read(new RecordingPrometheus(Now, Fleet), TimeSpan.FromDays(3), hostDaysPerQuery: 3);
        var all = await Read(new RecordingPrometheus(Now, Fleet), TimeSpan.FromDays(3), hostDaysPerQuery: 1e9);

        Assert.Equal(8, all.Count);
        Assert.Equal(JsonSerializer.Serialize(all), JsonSerializer.Serialize(one));
    }

    [Fact]
    public async Task ReadHostsAsync_BatchesOfHosts_YieldsEachBatchsHostsWithAtMostTheNextBatchRead()
    {
        var prometheus = new RecordingPrometheus(Now, Fleet);
        using var http = new HttpClient(prometheus);
        var reader = new PrometheusEvidenceReader(new PrometheusClient(http, new Uri("http://prometheus.test/")), new FixedTime(Now), hostDaysPerQuery: 6);

        // 6 host-days over 3 days: 2 hosts a batch; the 8 hosts seen in 3 days make four batches.
        var seen = new List<string>();
        await foreach (var host in reader.ReadHostsAsync(TimeSpan.FromDays(3), Now, CancellationToken.None))
        {
            seen.Add(host.Host);
            // The host's batch has been read, and perhaps the next (read ahead while the caller works), never more:
            // the caller can write and drop each host while later batches are still in Prometheus.
            var batch = (seen.Count + 1) / 2;
            var queried = prometheus.Answers.Where(a => a.Query.Contains("gpuqos_tenant_sm_share_ratio", StringComparison.Ordinal)).SelectMany(a => a.Hosts).ToHashSet(StringComparer.Ordinal);
            Assert.Contains(host.Host, queried);
            Assert.InRange(queried.Count, 2 * batch, 2 * (batch + 1));
        }

        Assert.Equal(8, seen.Count);
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
    }

    [Theory]
    [InlineData(7, 1000, 142)]
    [InlineData(1, 1000, 1000)]
    [InlineData(400, 1000, 2)]
    [InlineData(3650, 1000, 1)]
    public void HostsPerQuery_HostDaysOverTheWindow_AtLeastOne(double days, double hostDays, int expected) =>
        Assert.Equal(expected, HostShards.HostsPerQuery(TimeSpan.FromDays(days), hostDays));

    [Fact]
    public void HostsPerQuery_NoHostDays_ThrowsNamingTheParameter() =>
        Assert.Equal("hostDaysPerQuery", Assert.Throws<ArgumentOutOfRangeException>(() => HostShards.HostsPerQuery(TimeSpan.FromDays(1), 0)).ParamName);

    [Fact]
    public void Matcher_HostsWithRegexSyntax_SelectsExactlyThem()
    {
        var matcher = HostShards.Matcher(["10.0.0.1:9400", "[fd00::7]:9400"]);

        Assert.Equal("instance=~\"10\\\\.0\\\\.0\\\\.1:9400|\\\\[fd00::7\\\\]:9400\"", matcher);
        var regex = new Regex("^(?:" + RecordingPrometheus.InstanceRegex(matcher) + ")$", RegexOptions.None, TimeSpan.FromSeconds(1));
        Assert.Matches(regex, "10.0.0.1:9400");
        Assert.Matches(regex, "[fd00::7]:9400");
        Assert.DoesNotMatch(regex, "10x0.0.1:9400");
        Assert.DoesNotMatch(regex, "f:9400");
    }

    private static async Task<IReadOnlyList<GpuQos.Advisor.Evidence.AdvisorEvidence>> Read(RecordingPrometheus prometheus, TimeSpan window, double hostDaysPerQuery)
    {
        using var http = new HttpClient(prometheus);
        var client = new PrometheusClient(http, new Uri("http://prometheus.test/"));
        return await new PrometheusEvidenceReader(client, new FixedTime(Now), hostDaysPerQuery).ReadAsync(window, CancellationToken.None);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
