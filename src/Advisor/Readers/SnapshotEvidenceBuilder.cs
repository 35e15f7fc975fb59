using GpuQos.Advisor.Evidence;
using GpuQos.Advisor.History;
using GpuQos.Model.Devices;
using GpuQos.Model.Snapshots;

using Q = GpuQos.Advisor.Readers.EvidenceQueries;

namespace GpuQos.Advisor.Readers;

/// <summary>
/// Builds evidence inside the daemon from its in-memory history (demand, memory and the window, as
/// <see cref="HistoryFigures"/>), its latest snapshot (GPUs, modes, geometry) and the SLA and audit series
/// other features write (counters since the daemon started).
/// </summary>
public static class SnapshotEvidenceBuilder
{
    /// <summary>The metric families read from other sources.</summary>
    public static IReadOnlySet<string> CapturedFamilies { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Q.SlaObjectiveTarget, Q.SlaBreaches, Q.SlaBreachSeconds, Q.AuditSlowdown, Q.AuditProbePassed, Q.AuditCovertChannel,
    };

    /// <summary>Evidence from whole (or compact) snapshots, oldest first: the exact figures, for tests and as the reference.</summary>
    public static AdvisorEvidence Build(string host, IReadOnlyList<HostSnapshot> history, MetricCapture captured, TimeSpan countersSpan)
    {
        ArgumentNullException.ThrowIfNull(history);
        return history.Count == 0
            ? Build(host, null, null, captured, countersSpan)
            : Build(host, history[^1], Figures(history), captured, countersSpan);
    }

    /// <summary>
    /// Evidence from the latest snapshot (the GPUs, modes and geometry now) and the figures of the history
    /// (demand, memory and the window), however the history was kept.
    /// </summary>
    public static AdvisorEvidence Build(string host, HostSnapshot? latest, HistoryFigures? figures, MetricCapture captured, TimeSpan countersSpan)
    {
        ArgumentNullException.ThrowIfNull(captured);
        var gaps = new List<string>();
        if (latest is null || figures is null)
        {
            return new AdvisorEvidence(host, "daemon", TimeSpan.Zero, [], ["no collection cycle has completed yet"]);
        }

        var window = latest.Timestamp - figures.First;
        var slaKnown = captured.Defined.Contains(Q.SlaObjectiveTarget);
        var auditKnown = captured.Samples.Any(s => s.Metric.Name is Q.AuditProbePassed or Q.AuditSlowdown);
        if (!slaKnown)
        {
            gaps.Add("the daemon exports no SLA objectives: SLA history is unknown");
        }

        if (!auditKnown)
        {
            gaps.Add("no isolation audit has run in this daemon");
        }

        var sla = slaKnown ? SlaTotals(captured) : [];
        var gpus = new List<GpuEvidence>();
        foreach (var gpu in latest.Gpus.Where(g => !g.Lost))
        {
            var index = gpu.Identity.Index;
            var label = gpu.Identity.IndexLabel;
            var usage = figures.Gpus.GetValueOrDefault(index) ?? new GpuUsageFigures(false, [], null);
            if (!usage.Attributed && usage.Workloads.Count > 0)
            {
                gaps.Add($"no tenant attribution on GPU {index}: each process or partition counts as a tenant of its own");
            }

            TenantEvidence[] tenants = [.. usage.Workloads.Select(t => new TenantEvidence(t.Name, t.Demand, t.MaxMemory, slaKnown ? Sla(sla, label, t.Name, countersSpan) : null))];
            var audit = auditKnown ? Audit(captured, label) : null;
            var geometry = gpu.Partitions.Where(p => p.Reading.Kind == PartitionKind.Mig)
                .Select(p => new CurrentPartition(p.Reading.Profile, p.Reading.PlacementStart, usage.Attributed ? p.Tenant : WorkloadName(p.Reading))).ToArray();
            var policy = gpu.Partitions.Select(p => p.Reading.SchedulerPolicy).FirstOrDefault(p => p is not null);
            gpus.Add(new GpuEvidence(index, gpu.Identity.Uuid, gpu.Identity.Name, gpu.Mode ?? SharingMode.TimeSliced, geometry, tenants, usage.Device, audit, policy));
        }

        return new AdvisorEvidence(host, "daemon", window, gpus, gaps);
    }

    /// <summary>
    /// The exact figures of a history of snapshots (oldest first, not empty), for the GPUs of its latest: every
    /// sample kept and sorted. The daemon keeps per-minute summaries instead (<see cref="DemandHistory"/>).
    /// </summary>
    public static HistoryFigures Figures(IReadOnlyList<HostSnapshot> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentOutOfRangeException.ThrowIfZero(history.Count);

        // One pass over the history, not one per GPU and per tenant: at ten minutes of a crowded host that is
        // hundreds of thousands of usage records. Each tenant's samples go straight into its own list.
        var usageByGpu = new Dictionary<int, Dictionary<string, TenantSamples>>();
        foreach (var snapshot in history)
        {
            foreach (var t in snapshot.Tenants)
            {
                if (!usageByGpu.TryGetValue(t.Gpu, out var byTenant))
                {
                    usageByGpu[t.Gpu] = byTenant = new Dictionary<string, TenantSamples>(StringComparer.Ordinal);
                }

                if (!byTenant.TryGetValue(t.Tenant, out var samples))
                {
                    byTenant[t.Tenant] = samples = new TenantSamples(t.Tenant);
                }

                samples.Add(t);
            }
        }

        var gpus = new Dictionary<int, GpuUsageFigures>();
        foreach (var gpu in history[^1].Gpus.Where(g => !g.Lost))
        {
            var index = gpu.Identity.Index;
            UsageFigures[] workloads;
            var attributed = usageByGpu.TryGetValue(index, out var found);
            if (attributed)
            {
                workloads = [.. found!.Values.OrderBy(t => t.Tenant, StringComparer.Ordinal).Select(t => new UsageFigures(t.Tenant, t.Demand(), t.MaxMemory))];
            }
            else
            {
                var usage = history.SelectMany(s => s.Gpus.Where(g => g.Identity.Index == index).SelectMany(Workloads)).ToArray();
                workloads = [.. usage.GroupBy(t => t.Tenant, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new UsageFigures(
                    g.Key,
                    DemandStats.FromSamples(g.Where(t => t.SmShare is not null).Select(t => t.SmShare!.Value)),
                    g.Max(t => t.MemoryUsedBytes)))];
            }

            var device = DemandStats.FromSamples(history.Select(s => s.Gpus.FirstOrDefault(x => x.Identity.Index == index)?.Device?.SmUtilization).OfType<double>());
            gpus[index] = new GpuUsageFigures(attributed, workloads, device);
        }

        return new HistoryFigures(history[0].Timestamp, gpus);
    }

    /// <summary>One tenant's use of one GPU over the history: its SM shares where known, and the most memory it held.</summary>
    private sealed class TenantSamples(string tenant)
    {
        private readonly List<double> _shares = [];

        public string Tenant { get; } = tenant;

        public long MaxMemory { get; private set; } = long.MinValue;

        public void Add(TenantUsage usage)
        {
            if (usage.SmShare is { } share && double.IsFinite(share))
            {
                _shares.Add(share);
            }

            MaxMemory = Math.Max(MaxMemory, usage.MemoryUsedBytes);
        }

        public DemandStats? Demand() => DemandStats.FromSamplesSortingInPlace(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_shares));
    }

    /// <summary>
    /// Where no tenant is known, the units of use the GPU does know: MIG and vGPU partitions (weighted as
    /// the collectors' <c>TenantAggregation</c> weighs them), or processes on a whole shared GPU.
    /// </summary>
    internal static IEnumerable<TenantUsage> Workloads(GpuSnapshot gpu)
    {
        var index = gpu.Identity.Index;
        if (gpu.Mode is SharingMode.Mig or SharingMode.Vgpu)
        {
            var migSms = gpu.Partitions.Where(p => p.Reading.Kind == PartitionKind.Mig).Sum(p => p.Reading.SmCount ?? 0);
            return gpu.Partitions.Where(p => p.Reading.Kind is PartitionKind.Mig or PartitionKind.Vgpu && (p.Reading.MemoryUsedBytes ?? 0) > 0).Select(p => new TenantUsage(
                WorkloadName(p.Reading), index,
                p.Reading.SmUtilization is { } u ? (p.Reading.Kind == PartitionKind.Mig ? u * (p.Reading.SmCount ?? 0) / Math.Max(1, migSms) : u) : null,
                p.Reading.MemoryUsedBytes ?? 0, 0));
        }

        return gpu.Processes.Where(p => p.Reading.Name != MpsServer).Select(p => new TenantUsage(WorkloadName(p.Reading), index, p.Reading.SmUtilization, p.Reading.UsedMemoryBytes, 1));
    }

    /// <summary>The MPS server runs its clients' work; it is not a workload of its own.</summary>
    internal const string MpsServer = "nvidia-cuda-mps-server";

    internal static string WorkloadName(PartitionReading p) => p.VmId is { Length: > 0 } vm ? vm : p.Id;

    internal static string WorkloadName(ProcessReading p) => $"pid {p.Pid} {p.Name}";

    /// <summary>Per (GPU, tenant): how many objectives, and the breaches and breach seconds summed over them.</summary>
    private static Dictionary<(string Gpu, string Tenant), (int Objectives, double Breaches, double Seconds)> SlaTotals(MetricCapture captured)
    {
        var totals = new Dictionary<(string, string), (int Objectives, double Breaches, double Seconds)>();
        foreach (var s in captured.Samples)
        {
            if (s.Metric.Name is not (Q.SlaObjectiveTarget or Q.SlaBreaches or Q.SlaBreachSeconds))
            {
                continue;
            }

            var key = (s.Label("gpu"), s.Label("tenant"));
            var (objectives, breaches, seconds) = totals.GetValueOrDefault(key);
            totals[key] = s.Metric.Name switch
            {
                Q.SlaObjectiveTarget => (objectives + 1, breaches, seconds),
                Q.SlaBreaches => (objectives, breaches + s.Value, seconds),
                _ => (objectives, breaches, seconds + s.Value),
            };
        }

        return totals;
    }

    private static SlaEvidence Sla(Dictionary<(string Gpu, string Tenant), (int Objectives, double Breaches, double Seconds)> totals, string gpu, string tenant, TimeSpan span)
    {
        var (objectives, breaches, seconds) = totals.GetValueOrDefault((gpu, tenant));
        return new SlaEvidence(objectives, breaches, seconds, null, span);
    }

    private static AuditEvidence? Audit(MetricCapture captured, string gpu)
    {
        IEnumerable<double> Of(string name) => captured.Samples.Where(s => s.Metric.Name == name && s.Label("gpu") == gpu).Select(s => s.Value);
        var slowdown = Of(Q.AuditSlowdown).ToArray();
        var passed = Of(Q.AuditProbePassed).ToArray();
        var channel = Of(Q.AuditCovertChannel).ToArray();
        return slowdown.Length == 0 && passed.Length == 0
            ? null
            : new AuditEvidence(slowdown.Length > 0 ? slowdown.Max() : null, passed.Length > 0 ? passed.All(p => p >= 1) : null, channel.Length > 0 ? channel.Max() : null);
    }
}
