using System.Globalization;
using System.Runtime.CompilerServices;
using GpuQos.Advisor.Evidence;
using GpuQos.Model.Devices;
using Q = GpuQos.Advisor.Readers.EvidenceQueries;

namespace GpuQos.Advisor.Readers;

/// <summary>
/// Reads the evidence of every host Prometheus knows (one per <c>instance</c> that exports
/// <c>gpuqos_gpu_info</c>) over a window ending now. Series that do not exist yet (SLA, audit) leave gaps in
/// the evidence rather than zeros. The hosts are found first, a day of <c>gpuqos_gpu_info</c> per query; every
/// other query then reads one batch of hosts (<see cref="HostShards"/>), so that no query touches the whole fleet's
/// window at once, and the batches' results are put together (each series belongs to one host).
/// </summary>
public sealed class PrometheusEvidenceReader(PrometheusClient prometheus, TimeProvider time, double hostDaysPerQuery = HostShards.DefaultHostDaysPerQuery)
{
    /// <summary>The longest range of the discovery query: at 1,000 hosts of 8 GPUs, 11.5 M samples of 60 s scrapes.</summary>
    private static readonly TimeSpan DiscoveryRange = TimeSpan.FromDays(1);

    /// <summary>
    /// A batch's queries are independent, and Prometheus evaluates concurrent queries on separate cores: at 1,000
    /// hosts x 7 days, 56 s of the advice's 72 s was Prometheus evaluating one query after another. Four at a time
    /// leaves room on the server for everyone else (its default <c>--query.max-concurrency</c> is 20). On the shared
    /// 2-core test machine it made no clear difference (docs/performance.md, "Fleet"); a server with cores to
    /// spare is where it counts.
    /// </summary>
    private const int QueriesInFlight = 4;

    // Each query's results by host, so that building a host's evidence reads that host's samples alone: a scan of
    // the whole fleet's results per host, GPU and tenant is quadratic in the fleet (48,000 tenant series at 1,000
    // hosts, read once per tenant).
    private readonly Dictionary<string, ILookup<string, PromSample>> _byInstance = new(StringComparer.Ordinal);

    /// <summary>Reads the window ending now.</summary>
    public Task<IReadOnlyList<AdvisorEvidence>> ReadAsync(TimeSpan window, CancellationToken ct) => ReadAsync(window, time.GetUtcNow(), ct);

    /// <summary>Reads the window ending at <paramref name="at"/>, so that two reads of the same data agree: every host's evidence at once.</summary>
    public async Task<IReadOnlyList<AdvisorEvidence>> ReadAsync(TimeSpan window, DateTimeOffset at, CancellationToken ct)
    {
        var result = new List<AdvisorEvidence>();
        await foreach (var host in ReadHostsAsync(window, at, ct))
        {
            result.Add(host);
        }

        return result;
    }

    /// <summary>
    /// Reads the window ending at <paramref name="at"/> and yields each host's evidence, sorted by instance, as soon as
    /// its batch has been read. A caller that advises and writes each host before asking for the next holds one batch's
    /// answers and one host's evidence, not the fleet's (at 1,000 hosts x 7 days the whole fleet's evidence, advice
    /// and JSON document held about a GiB).
    /// </summary>
    public async IAsyncEnumerable<AdvisorEvidence> ReadHostsAsync(TimeSpan window, DateTimeOffset at, [EnumeratorCancellation] CancellationToken ct)
    {
        var range = PromDuration(window);
        var gpus = (await GpusAsync(window, at, ct)).ToLookup(s => s.Label("instance"), StringComparer.Ordinal);
        var instances = gpus.Select(g => g.Key).Order(StringComparer.Ordinal).ToArray();
        if (instances.Length == 0)
        {
            yield break;
        }

        var shards = instances.Chunk(HostShards.HostsPerQuery(window, hostDaysPerQuery)).Select(hosts => (Hosts: hosts, Matcher: HostShards.Matcher(hosts))).ToList();

        // Each shard says when its own tenant data starts; the fleet's starts at the earliest, and every host's
        // evidence is read against it, so it comes first. The first hour of the window is asked first: data there
        // answers for the whole window, which is then never evaluated (EvidenceQueries.CoverageHead).
        var first = window > Q.CoverageHeadSpan && window.Ticks % TimeSpan.TicksPerSecond == 0
            ? await FirstTenantDataAsync(Q.CoverageHead, PromDuration(window - Q.CoverageHeadSpan), shards.Select(s => s.Matcher), at, ct)
            : double.NaN;
        if (double.IsNaN(first))
        {
            first = await FirstTenantDataAsync(Q.Coverage, range, shards.Select(s => s.Matcher), at, ct);
        }

        var coverage = double.IsFinite(first)
            ? at - DateTimeOffset.FromUnixTimeMilliseconds((long)(first * 1000))
            : TimeSpan.Zero;
        var effective = coverage > TimeSpan.Zero && coverage < window ? coverage : window;

        // Shard by shard: a shard's results become its hosts' evidence, each host handed on before the next is built,
        // and the answers are dropped once its hosts are, so the reader holds a shard's samples (and the next one's,
        // read ahead), not the fleet's (1.3 GiB at 1,000 hosts x 7 days when it held all).
        string[] queries =
        [
            Q.MigPartitions, Q.VgpuPolicies, Q.TenantP50, Q.TenantP95, Q.TenantP99, Q.TenantMax, Q.TenantSamples, Q.TenantMemoryPeak,
            Q.GpuP50, Q.GpuP95, Q.GpuP99, Q.GpuMax, Q.GpuSamples, Q.Objectives, Q.Breaches, Q.BreachSeconds, Q.PolicyOwners, Q.Throttling,
            Q.Slowdown, Q.ProbesPassed, Q.CovertChannel, .. Q.Processes.All, .. Q.Partitions.All,
        ];
        // The next shard's queries run while this shard's hosts are advised and written: Prometheus evaluates while
        // the caller works, and the reader holds at most two shards' answers.
        using var ahead = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task<IReadOnlyList<PromSample>[]>? next = AnswersAsync(queries, range, shards[0].Matcher, at, ahead.Token);
        try
        {
            for (var k = 0; k < shards.Count; k++)
            {
                var answers = await next!;
                next = k + 1 < shards.Count ? AnswersAsync(queries, range, shards[k + 1].Matcher, at, ahead.Token) : null;
                _byInstance.Clear();
                _byInstance[Q.Gpus] = gpus;
                for (var i = 0; i < queries.Length; i++)
                {
                    _byInstance[queries[i]] = answers[i].ToLookup(s => s.Label("instance"), StringComparer.Ordinal);
                }

                foreach (var instance in shards[k].Hosts)
                {
                    yield return Host(instance, window, effective);
                }
            }
        }
        finally
        {
            _byInstance.Clear();
            if (next is not null)
            {
                // The caller stopped early (an error, or it had enough): the shard read ahead is not wanted, and
                // neither is its failure.
                await ahead.CancelAsync();
                await Task.WhenAny(next);
                _ = next.Exception;
            }
        }
    }

    /// <summary>A shard's answers to every query, <see cref="QueriesInFlight"/> at a time, in the order of <paramref name="queries"/>.</summary>
    private async Task<IReadOnlyList<PromSample>[]> AnswersAsync(string[] queries, string range, string matcher, DateTimeOffset at, CancellationToken ct)
    {
        var answers = new IReadOnlyList<PromSample>[queries.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, queries.Length), new ParallelOptions { MaxDegreeOfParallelism = QueriesInFlight, CancellationToken = ct },
            async (i, token) => answers[i] = await prometheus.QueryAsync(Q.For(queries[i], range, matcher), at, token));
        return answers;
    }

    /// <summary>The earliest of the shards' answers to a coverage query (a Unix time in seconds), or NaN where none has tenant data.</summary>
    private async Task<double> FirstTenantDataAsync(string query, string range, IEnumerable<string> matchers, DateTimeOffset at, CancellationToken ct)
    {
        var first = double.NaN;
        foreach (var matcher in matchers)
        {
            foreach (var s in await prometheus.QueryAsync(Q.For(query, range, matcher), at, ct))
            {
                if (double.IsFinite(s.Value) && (double.IsNaN(first) || s.Value < first))
                {
                    first = s.Value;
                }
            }
        }

        return first;
    }

    /// <summary>
    /// <c>last_over_time(gpuqos_gpu_info[window])</c>, a day at a time from the newest: each GPU's series as the
    /// newest day that holds it says, as the whole window would.
    /// </summary>
    private async Task<List<PromSample>> GpusAsync(TimeSpan window, DateTimeOffset at, CancellationToken ct)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var gpus = new List<PromSample>();
        for (var end = TimeSpan.Zero; end < window; end += DiscoveryRange)
        {
            var range = window - end < DiscoveryRange ? window - end : DiscoveryRange;
            foreach (var s in await prometheus.QueryAsync(Q.For(Q.Gpus, PromDuration(range), ""), at - end, ct))
            {
                if (seen.Add(string.Join('\n', s.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value))))
                {
                    gpus.Add(s);
                }
            }
        }

        return gpus;
    }

    private AdvisorEvidence Host(string instance, TimeSpan asked, TimeSpan effective)
    {
        var gaps = new List<string>();
        if (effective < asked)
        {
            gaps.Add($"asked for {PromDuration(asked)} but Prometheus holds about {PromDuration(effective)} of tenant data");
        }

        var slaKnown = Of(Q.Objectives, instance).Count > 0;
        if (!slaKnown)
        {
            gaps.Add($"no {Q.SlaObjectiveTarget} series: SLA objectives and breaches are unknown");
        }

        var auditKnown = Of(Q.ProbesPassed, instance).Count > 0 || Of(Q.Slowdown, instance).Count > 0;
        if (!auditKnown)
        {
            gaps.Add($"no {Q.AuditProbePassed} series: no isolation audit in the window");
        }

        var throttleByTenant = Of(Q.Throttling, instance)
            .Join(Of(Q.PolicyOwners, instance), t => t.Label("policy"), o => o.Label("policy"), (t, o) => (Gpu: o.Label("gpu"), Tenant: o.Label("tenant"), t.Value), StringComparer.Ordinal)
            .GroupBy(x => (x.Gpu, x.Tenant))
            .ToDictionary(g => g.Key, g => g.Sum(x => x.Value));

        var gpus = new List<GpuEvidence>();
        foreach (var info in Of(Q.Gpus, instance).GroupBy(s => s.Label("gpu")).Select(g => g.First()))
        {
            var gpu = info.Label("gpu");
            if (!int.TryParse(gpu, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index))
            {
                continue;
            }

            var tenants = new List<TenantEvidence>();
            foreach (var tenant in Of(Q.TenantMemoryPeak, instance).Where(s => s.Label("gpu") == gpu).Select(s => s.Label("tenant")).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                var demand = Value(Q.TenantP50, instance, gpu, tenant) is { } p50
                    ? new DemandStats(p50, Value(Q.TenantP95, instance, gpu, tenant) ?? p50, Value(Q.TenantP99, instance, gpu, tenant) ?? p50,
                        Value(Q.TenantMax, instance, gpu, tenant) ?? p50, (int)(Value(Q.TenantSamples, instance, gpu, tenant) ?? 0))
                    : null;
                SlaEvidence? sla = slaKnown
                    ? new SlaEvidence((int)(Value(Q.Objectives, instance, gpu, tenant) ?? 0), Value(Q.Breaches, instance, gpu, tenant) ?? 0,
                        Value(Q.BreachSeconds, instance, gpu, tenant) ?? 0, throttleByTenant.GetValueOrDefault((gpu, tenant)), effective)
                    : null;
                tenants.Add(new TenantEvidence(tenant, demand, (long)(Value(Q.TenantMemoryPeak, instance, gpu, tenant) ?? 0), sla));
            }

            var mode = ParseMode(info.Label("mode"));
            var geometry = Of(Q.MigPartitions, instance).Where(s => s.Label("gpu") == gpu)
                .Select(s => (Partition: s.Label("partition"), Current: new CurrentPartition(s.Label("profile"), int.TryParse(s.Label("placement_start"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var st) ? st : null, s.Label("tenant"))))
                .DistinctBy(p => (p.Current.Profile, p.Current.Start))
                .ToArray();
            if (tenants.Count == 0)
            {
                tenants = Workloads(instance, gpu, mode, geometry.Select(g => (g.Partition, g.Current.Profile)).ToArray(), GpuModels.Find(info.Label("name")), slaKnown);
                if (tenants.Count > 0)
                {
                    gaps.Add($"no tenant attribution on GPU {gpu}: each process or partition counts as a tenant of its own");
                    geometry = [.. geometry.Select(g => g with { Current = g.Current with { Tenant = g.Partition } })];
                }
            }

            var device = Value(Q.GpuP50, instance, gpu, null) is { } g50
                ? new DemandStats(g50, Value(Q.GpuP95, instance, gpu, null) ?? g50, Value(Q.GpuP99, instance, gpu, null) ?? g50, Value(Q.GpuMax, instance, gpu, null) ?? g50, (int)(Value(Q.GpuSamples, instance, gpu, null) ?? 0))
                : null;
            var audit = auditKnown && (Value(Q.ProbesPassed, instance, gpu, null) is not null || Value(Q.Slowdown, instance, gpu, null) is not null)
                ? new AuditEvidence(Value(Q.Slowdown, instance, gpu, null), Value(Q.ProbesPassed, instance, gpu, null) is { } passed ? passed >= 1 : null, Value(Q.CovertChannel, instance, gpu, null))
                : null;
            var policy = Of(Q.VgpuPolicies, instance).FirstOrDefault(s => s.Label("gpu") == gpu)?.Label("policy") switch
            {
                "best-effort" => VgpuSchedulerPolicy.BestEffort,
                "equal-share" => VgpuSchedulerPolicy.EqualShare,
                "fixed-share" => VgpuSchedulerPolicy.FixedShare,
                _ => (VgpuSchedulerPolicy?)null,
            };
            gpus.Add(new GpuEvidence(index, info.Label("uuid"), info.Label("name"), mode, [.. geometry.Select(g => g.Current)], tenants, device, audit, policy));
        }

        return new AdvisorEvidence(instance, "prometheus", effective, [.. gpus.OrderBy(g => g.Index)], gaps);
    }

    /// <summary>
    /// Where no tenant is attributed: processes on a whole GPU, or MIG and vGPU partitions, each as a tenant of its
    /// own. A MIG partition's utilization is relative to its own SMs, so it is weighted by its share of the MIG SMs.
    /// </summary>
    private List<TenantEvidence> Workloads(string instance, string gpu, SharingMode mode, (string Partition, string Profile)[] mig, GpuModel? model, bool slaKnown)
    {
        var series = mode is SharingMode.Mig or SharingMode.Vgpu ? Q.Partitions : Q.Processes;
        var migSms = mig.Sum(p => model?.FindProfile(p.Profile)?.SmCount ?? 0);
        var result = new List<TenantEvidence>();
        foreach (var s in Of(series.MemoryPeak, instance).Where(s => s.Label("gpu") == gpu && s.Value > 0 && s.Label("process") != SnapshotEvidenceBuilder.MpsServer))
        {
            bool Same(PromSample x) => x.Label("instance") == instance && x.Label("gpu") == gpu && x.Label("pid") == s.Label("pid") && x.Label("partition") == s.Label("partition");
            double? V(string q) => _byInstance[q][instance].FirstOrDefault(Same) is { Value: var v } && double.IsFinite(v) ? v : null;
            var name = series == Q.Processes ? $"pid {s.Label("pid")} {s.Label("process")}" : s.Label("vm") is { Length: > 0 } vm ? vm : s.Label("partition");
            var weight = s.Label("partition_kind") == "mig" && migSms > 0
                ? (double)(model?.FindProfile(s.Label("profile"))?.SmCount ?? 0) / migSms
                : 1.0;
            var demand = V(series.P50) is { } p50
                ? new DemandStats(p50 * weight, (V(series.P95) ?? p50) * weight, (V(series.P99) ?? p50) * weight, (V(series.Max) ?? p50) * weight, (int)(V(series.Samples) ?? 0))
                : null;
            result.Add(new TenantEvidence(name, demand, (long)s.Value, slaKnown ? new SlaEvidence(0, 0, 0, null, TimeSpan.Zero) : null));
        }

        return [.. result.DistinctBy(t => t.Name).OrderBy(t => t.Name, StringComparer.Ordinal)];
    }

    private List<PromSample> Of(string query, string instance) => [.. _byInstance[query][instance]];

    private double? Value(string query, string instance, string gpu, string? tenant)
    {
        var sample = _byInstance[query][instance].FirstOrDefault(s => s.Label("gpu") == gpu && (tenant is null || s.Label("tenant") == tenant));
        return sample is { Value: var v } && double.IsFinite(v) ? v : null;
    }

    internal static SharingMode ParseMode(string label) => label switch
    {
        "exclusive" => SharingMode.Exclusive,
        "mps" => SharingMode.Mps,
        "mig" => SharingMode.Mig,
        "vgpu" => SharingMode.Vgpu,
        _ => SharingMode.TimeSliced,
    };

    /// <summary>A Prometheus duration for a span, in whole seconds at least.</summary>
    public static string PromDuration(TimeSpan span) => span.TotalDays >= 1 && span.TotalDays % 1 == 0
        ? $"{(int)span.TotalDays}d"
        : span.TotalHours >= 1 && span.TotalHours % 1 == 0 ? $"{(int)span.TotalHours}h" : $"{Math.Max(1, (int)span.TotalSeconds)}s";
}
