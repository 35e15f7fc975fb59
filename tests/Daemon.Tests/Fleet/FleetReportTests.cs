using System.Globalization;
using System.Text.Json;
using GpuQos.Daemon.Tests.Advisor;
using GpuQos.Daemon.Tests.TestSupport;
using Xunit.Abstractions;

namespace GpuQos.Daemon.Tests.Fleet;

/// <summary>
/// Issue 23's fleet, short: a generated fleet (hosts x 1 day of 60 s scrapes, mixed GPU modes, tenants coming and
/// going, some daemon restarts, one broken host) in a real Prometheus, read by <c>gpuqos report usage</c> and
/// <c>gpuqos advise --prometheus</c>. GPU-hours per tenant and per GPU model must be within 1% of the generator's
/// ground truth, and the broken host named and left out. GPUQOS_FLEET_HOSTS sets the number of hosts (default 10:
/// generation and create-blocks take about a minute on a shared two-core machine).
/// </summary>
public sealed class FleetReportTests(ITestOutputHelper output)
{
    private static int Hosts => int.TryParse(Environment.GetEnvironmentVariable("GPUQOS_FLEET_HOSTS"), CultureInfo.InvariantCulture, out var n) ? n : 10;

    [PrometheusFact]
    public async Task ReportUsageAndAdvise_GeneratedFleet_MatchTheGroundTruthWithinOnePercent_AndLeaveOutTheBrokenHost()
    {
        await using var fleet = await FleetTsdb.CreateAsync(Hosts, days: 1, badHosts: 1);
        var until = fleet.Until.ToString(CultureInfo.InvariantCulture);
        var badHost = fleet.Truth.GetProperty("bad_hosts")[0].GetString()!;

        // Split in 6 h ranges, so that the sum over ranges is exercised too.
        var (code, stdout, stderr) = await DaemonProcess.RunToEndAsync(
            ["report", "usage", "--prometheus", fleet.BaseUri.ToString(), "--since", "1d", "--until", until, "--split", "6h", "--format", "json", "--top", "5"], timeout: TimeSpan.FromMinutes(3));
        Assert.True(code == 1, $"exit {code} (1 expected: a host left out): {stderr}");
        Assert.Contains(badHost, stderr, StringComparison.Ordinal);
        var report = JsonDocument.Parse(stdout).RootElement;
        Assert.Contains(report.GetProperty("skippedHosts").EnumerateArray(), h => h.GetString()!.StartsWith(badHost, StringComparison.Ordinal));
        Assert.Empty(report.GetProperty("failedRanges").EnumerateArray());
        AssertWithinOnePercent(report, fleet.Truth.GetProperty("tenants"), "tenant");
        await AssertFewerSamplesThanIncreaseAsync(fleet, await fleet.QueriesAsync());

        // The top pods are an estimate from the process gauges sampled every 60 s: within 3% of their true time,
        // and none bigger left out.
        var truePods = fleet.Truth.GetProperty("pods").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        var topPods = report.GetProperty("topPods").EnumerateArray().Select(p => (Key: p.GetProperty("namespace").GetString() + "/" + p.GetProperty("pod").GetString(), Hours: p.GetProperty("gpuHours").GetDouble())).ToList();
        Assert.Equal(5, topPods.Count);
        foreach (var (key, hours) in topPods)
        {
            output.WriteLine($"pod {key}: truth {truePods[key]:F3}, report {hours:F3}");
            Assert.True(Math.Abs(hours - truePods[key]) / truePods[key] < 0.03, $"pod {key}: report {hours} against truth {truePods[key]}");
        }

        Assert.True(topPods[^1].Hours >= truePods.Values.OrderDescending().ElementAt(4) * 0.97, "a bigger pod was left out of the top 5");

        // Per namespace: the tenants' counted time split by their pods' sampled SM time. team-04 and team-05 run in a
        // namespace of their own, team-06 and team-07 share one, the MIG and exclusive GPUs' time has no pod (the
        // empty key): those are exact. team-00..03 split every other job into a -batch namespace: an estimate.
        (code, stdout, stderr) = await DaemonProcess.RunToEndAsync(
            ["report", "usage", "--prometheus", fleet.BaseUri.ToString(), "--since", "1d", "--until", until, "--split", "6h", "--by", "namespace", "--format", "json", "--top", "0"], timeout: TimeSpan.FromMinutes(3));
        Assert.True(code == 1, $"exit {code}: {stderr}");
        var byNamespace = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("namespace", byNamespace.GetProperty("by").GetString());
        var namespaces = byNamespace.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!, r => r.GetProperty("usedGpuHours").GetDouble());
        var trueNamespaces = fleet.Truth.GetProperty("namespaces").EnumerateObject().ToDictionary(n => n.Name, n => n.Value.GetProperty("used_gpu_hours").GetDouble());
        Assert.Equal(trueNamespaces.Keys.Order(StringComparer.Ordinal), namespaces.Keys.Order(StringComparer.Ordinal));
        Assert.Contains(namespaces.Keys, n => n.EndsWith("-batch", StringComparison.Ordinal));
        foreach (var (name, want) in trueNamespaces)
        {
            var split = name.EndsWith("-batch", StringComparison.Ordinal) || namespaces.ContainsKey(name + "-batch");
            output.WriteLine($"namespace '{name}' used: truth {want:F3}, report {namespaces[name]:F3}{(split ? " (split)" : "")}");
            Assert.True(Math.Abs(namespaces[name] - want) / want < (split ? 0.03 : 0.01), $"namespace '{name}': report {namespaces[name]} against truth {want}");
        }

        // Splitting moves time between rows and loses none: the namespaces add up to the tenants.
        var tenantsUsed = report.GetProperty("rows").EnumerateArray().Sum(r => r.GetProperty("usedGpuHours").GetDouble());
        Assert.Equal(tenantsUsed, namespaces.Values.Sum(), tenantsUsed * 1e-9);

        // Priced per GPU model; the L40S is missing from the price file and is said to be.
        var prices = Path.Combine(Path.GetTempPath(), $"gpuqos-prices-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(prices, "currency: EUR\nprices:\n  \"NVIDIA H100 80GB HBM3\": 2.5\n  \"NVIDIA A100-SXM4-40GB\": 1\n");
        try
        {
            (code, stdout, stderr) = await DaemonProcess.RunToEndAsync(
                ["report", "usage", "--prometheus", fleet.BaseUri.ToString(), "--since", "1d", "--until", until, "--by", "gpu-model", "--format", "json", "--top", "0", "--price", prices], timeout: TimeSpan.FromMinutes(3));
        }
        finally
        {
            File.Delete(prices);
        }

        Assert.True(code == 1, $"exit {code}: {stderr}");
        var byModel = JsonDocument.Parse(stdout).RootElement;
        AssertWithinOnePercent(byModel, fleet.Truth.GetProperty("gpu_models"), "GPU model");
        var rows = byModel.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!);
        Assert.Equal("EUR", byModel.GetProperty("currency").GetString());
        Assert.Equal(rows["NVIDIA H100 80GB HBM3"].GetProperty("usedGpuHours").GetDouble() * 2.5, rows["NVIDIA H100 80GB HBM3"].GetProperty("usedCost").GetDouble(), 6);
        Assert.Equal(rows["NVIDIA A100-SXM4-40GB"].GetProperty("reservedGpuHours").GetDouble(), rows["NVIDIA A100-SXM4-40GB"].GetProperty("reservedCost").GetDouble(), 6);
        Assert.Equal(["NVIDIA L40S"], rows["NVIDIA L40S"].GetProperty("unpricedModels").EnumerateArray().Select(m => m.GetString()));

        var before = (await fleet.QueriesAsync()).Count;
        (code, stdout, stderr) = await DaemonProcess.RunToEndAsync(["advise", "--prometheus", fleet.BaseUri.ToString(), "--since", "1d", "--until", until, "--json"], timeout: TimeSpan.FromMinutes(5));
        Assert.True(code == 0, $"advise exit {code}: {stderr}");
        var advice = JsonDocument.Parse(stdout).RootElement.GetProperty("hosts");
        var advisedHosts = advice.EnumerateArray().Select(h => h.GetProperty("host").GetString()).ToList();
        Assert.Equal(Hosts, advisedHosts.Distinct().Count());
        var whole = (await fleet.QueriesAsync()).Skip(before).ToList();
        var reportAndAdvise = before + whole.Count;

        // Three hosts per query: the same advice, each query touching a share of what the whole fleet's did.
        before += whole.Count;
        (code, stdout, stderr) = await DaemonProcess.RunToEndAsync(["advise", "--prometheus", fleet.BaseUri.ToString(), "--since", "1d", "--until", until, "--json", "--host-days-per-query", "3"], timeout: TimeSpan.FromMinutes(5));
        Assert.True(code == 0, $"advise exit {code}: {stderr}");
        Assert.Equal(advice.ToString(), JsonDocument.Parse(stdout).RootElement.GetProperty("hosts").ToString());
        AssertBatched(whole, (await fleet.QueriesAsync()).Skip(before).ToList(), hostsPerQuery: 3);

        // Asked for two days of one, the advice says how much Prometheus holds (the coverage query).
        (code, stdout, stderr) = await DaemonProcess.RunToEndAsync(["advise", "--prometheus", fleet.BaseUri.ToString(), "--since", "2d", "--json"], timeout: TimeSpan.FromMinutes(5));
        Assert.True(code == 0, $"advise exit {code}: {stderr}");
        // The data starts one day before its last scrape, which is at most an hour before now (gen-fleet.py).
        var held = System.Text.RegularExpressions.Regex.Match(stdout, "asked for 2d but Prometheus holds about (\\d+)s");
        Assert.True(held.Success, "no coverage gap in the advice:\n" + stdout[..Math.Min(stdout.Length, 2000)]);
        var seconds = long.Parse(held.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 86_400 - 120, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - fleet.Until + 86_400 + 120);

        // Last: evaluating the queries again adds them to the query log, which the batch comparison above reads.
        await AssertAggregatedOnTheServerAsync(fleet, (await fleet.QueriesAsync()).Take(reportAndAdvise).Select(q => q.Query));
    }

    /// <summary>
    /// The report read each counter at the window's ends where a host's daemon ran throughout, and every sample only
    /// of the hosts where it did not: its queries touched under a third of what <c>increase</c> over the window
    /// touches (1,440 samples a series at 60 s scrapes, against about 61 at the ends), and the restarted hosts,
    /// within 1% above, were among those read in full.
    /// </summary>
    private async Task AssertFewerSamplesThanIncreaseAsync(FleetTsdb fleet, IReadOnlyList<(string Query, long Samples)> report)
    {
        var restarted = fleet.Truth.GetProperty("restarted_hosts").EnumerateArray().Select(h => h.GetString()!).ToList();
        // The default 10 hosts include a restart (host 4); fewer may not.
        Assert.True(Hosts < 10 || restarted.Count > 0, "no restarted host in the fleet");
        var increases = report.Where(q => q.Query.Contains("increase(gpuqos_tenant_", StringComparison.Ordinal)).ToList();
        Assert.All(restarted, h => Assert.All(increases, q => Assert.Contains(h, q.Query, StringComparison.Ordinal)));
        var touched = report.Where(q => q.Query.Contains("gpuqos_tenant_sm_seconds_total", StringComparison.Ordinal) || q.Query.Contains("gpuqos_tenant_reserved_seconds_total", StringComparison.Ordinal) || q.Query.Contains("gpuqos_start_time_seconds", StringComparison.Ordinal)).Sum(q => q.Samples);
        var before = (await fleet.QueriesAsync()).Count;
        await fleet.EvaluateAsync("sum by (instance, uuid, tenant, gpu_model) (increase(gpuqos_tenant_sm_seconds_total{tenant!=\"\"}[1d]))");
        await fleet.EvaluateAsync("sum by (instance, uuid, tenant, gpu_model) (increase(gpuqos_tenant_reserved_seconds_total{tenant!=\"\"}[1d]))");
        var whole = (await fleet.QueriesAsync()).Skip(before).Sum(q => q.Samples);
        output.WriteLine($"report usage touched {touched} samples of the counters and start times; increase over the window {whole}");
        Assert.True(touched < whole / 3, $"report usage touched {touched} samples, increase over the window {whole}");
    }

    /// <summary>
    /// Each query of the whole fleet in one (<paramref name="whole"/>) is read in batches of hosts: every batch
    /// touches at most its hosts' share of the samples with room for uneven hosts (under 1.5 times the share, which a
    /// query of the whole fleet exceeds), and the batches together touch each sample once (within 5%).
    /// </summary>
    private void AssertBatched(List<(string Query, long Samples)> whole, List<(string Query, long Samples)> batched, int hostsPerQuery)
    {
        static string Template(string query) => System.Text.RegularExpressions.Regex.Replace(query, "instance=~\"(?:[^\"\\\\]|\\\\.)*\"", "HOSTS");
        var share = 1.5 * hostsPerQuery / Hosts;
        Assert.All(whole.Concat(batched), q => Assert.True(q.Samples >= 0, $"no samples in the query log for {q.Query}"));
        // A subquery (the coverage's [1d:1m]) counts one sample per step in the log, whatever the hosts: left out.
        foreach (var (query, samples) in whole.Where(q => q.Query.Contains("instance=~", StringComparison.Ordinal) && !q.Query.Contains(":1m]", StringComparison.Ordinal) && q.Samples > 0))
        {
            var batches = batched.Where(b => Template(b.Query) == Template(query)).ToList();
            output.WriteLine($"{samples,10} samples in one, {batches.Count} batches of at most {batches.Max(b => b.Samples),10}: {Template(query)}");
            Assert.Equal((Hosts + hostsPerQuery - 1) / hostsPerQuery, batches.Count);
            Assert.All(batches, b => Assert.True(b.Samples <= samples * share, $"{b.Samples} samples in one batch of {samples} for the fleet: {b.Query}"));
            Assert.InRange(batches.Sum(b => b.Samples), samples * 0.95, samples * 1.05);
        }

        Assert.Contains(whole, q => q.Query.Contains("instance=~", StringComparison.Ordinal) && q.Samples > 0);
    }

    /// <summary>
    /// Issue 23: the server aggregates. Every query of the report and of the advice, evaluated again, gives an instant
    /// vector (never a window's samples) of at most one series per GPU and per (GPU, tenant) pair, the finest grain
    /// the figures need; only the top pods' query is per pod, which is what it lists.
    /// </summary>
    private async Task AssertAggregatedOnTheServerAsync(FleetTsdb fleet, IEnumerable<string> queries)
    {
        var (_, pairs) = await fleet.EvaluateAsync("last_over_time(gpuqos_tenant_sm_seconds_total[1d])");
        var bound = pairs + (Hosts * 8);
        var checkedQueries = 0;
        foreach (var query in queries.Distinct(StringComparer.Ordinal).Where(q => !q.Contains("by (instance, namespace, pod)", StringComparison.Ordinal)))
        {
            var (type, series) = await fleet.EvaluateAsync(query);
            output.WriteLine($"{series,6} series ({type}): {query[..Math.Min(query.Length, 120)]}");
            Assert.True(type is "vector" or "scalar", $"{type} for {query}");
            Assert.True(series <= bound, $"{series} series, more than the fleet's {pairs} tenant-GPU pairs and {Hosts * 8} GPUs, from {query}");
            checkedQueries++;
        }

        Assert.True(checkedQueries > 30, $"only {checkedQueries} queries checked");
    }

    private void AssertWithinOnePercent(JsonElement report, JsonElement truth, string what)
    {
        var rows = report.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!, r => r);
        Assert.Equal(truth.EnumerateObject().Select(t => t.Name).Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        foreach (var expected in truth.EnumerateObject())
        {
            foreach (var (field, json) in new[] { ("used_gpu_hours", "usedGpuHours"), ("reserved_gpu_hours", "reservedGpuHours") })
            {
                var want = expected.Value.GetProperty(field).GetDouble();
                var got = rows[expected.Name].GetProperty(json).GetDouble();
                output.WriteLine($"{what} {expected.Name} {field}: truth {want:F3}, report {got:F3}");
                Assert.True(want == 0 ? got < 0.01 : Math.Abs(got - want) / want < 0.01, $"{what} {expected.Name} {field}: report {got} against truth {want}");
            }
        }
    }
}
