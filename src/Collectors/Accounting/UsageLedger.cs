using GpuQos.Model.Snapshots;
using GpuQos.Model.Devices;

namespace GpuQos.Collectors.Accounting;

/// <summary>
/// Integrates each tenant's use of each GPU over time, once per collection cycle: SM-seconds weighted by the
/// partition's share of the GPU's SMs, memory byte-seconds, and reserved GPU-seconds. A gauge scraped every 60 s
/// sees one cycle in sixty; the ledger sees every cycle, so <c>increase()</c> over its counters is the use itself.
/// </summary>
/// <remarks>
/// Each snapshot's readings count for the time since the previous snapshot (NVML's utilization is an average
/// over the sample period just ended). A gap longer than <see cref="MaxGapIntervals"/> collection intervals (a
/// stalled host) counts only that many intervals: beyond that nothing was measured, and guessing would bill a
/// tenant for time nobody saw. Accounts are keyed by GPU UUID and tenant, live as long as the process (a
/// configuration reload keeps them), and are never reset: Prometheus's <c>increase()</c> handles the restart.
/// </remarks>
public sealed class UsageLedger(IReservationFloors floors, Func<TimeSpan> interval)
{
    /// <summary>The longest gap between two snapshots that is counted in full, in collection intervals.</summary>
    public const int MaxGapIntervals = 5;

    // By GPU UUID, then tenant: one lookup per GPU and one per tenant's usage each cycle, on plain string keys.
    private readonly Dictionary<string, GpuAccounts> _gpus = new(StringComparer.Ordinal);
    private readonly List<UsageAccount> _ordered = [];
    private readonly Lock _lock = new();
    private static readonly Comparer<UsageAccount> ByGpuThenTenant = Comparer<UsageAccount>.Create((a, b) =>
        string.CompareOrdinal(a.Uuid, b.Uuid) is var byGpu and not 0 ? byGpu : string.CompareOrdinal(a.Tenant, b.Tenant));

    private long _lastSequence = -1;
    private DateTimeOffset? _lastTimestamp;

    /// <summary>Creates a ledger without floors, for a collection interval of <paramref name="interval"/>.</summary>
    public UsageLedger(TimeSpan interval)
        : this(new NoReservationFloors(), () => interval)
    {
    }

    /// <summary>
    /// Every account, ordered by GPU UUID, then tenant: the live list, written by the collection cycle and read by
    /// the exposition under the cycle's lock (<see cref="Model.Snapshots.CollectionCycle"/>), so without a copy.
    /// </summary>
    public IReadOnlyList<UsageAccount> Accounts => _ordered;

    /// <summary>Adds the snapshot's use over the time since the previous one; a snapshot seen before adds nothing.</summary>
    public void Integrate(HostSnapshot snapshot)
    {
        lock (_lock)
        {
            if (snapshot.Sequence == _lastSequence)
            {
                return;
            }

            var seconds = _lastTimestamp is { } last ? (snapshot.Timestamp - last).TotalSeconds : 0;
            _lastSequence = snapshot.Sequence;
            _lastTimestamp = snapshot.Timestamp;
            seconds = Math.Min(seconds, MaxGapIntervals * interval().TotalSeconds);
            if (seconds <= 0)
            {
                return;
            }

            foreach (var gpu in snapshot.Gpus)
            {
                if (!gpu.Lost)
                {
                    Integrate(snapshot, gpu, seconds);
                }
            }
        }
    }

    private void Integrate(HostSnapshot snapshot, GpuSnapshot gpu, double seconds)
    {
        // What MIG can hand out of the GPU (A100: 98 of 108 SMs in 7g), so that seven 1g instances make one GPU.
        if (!_gpus.TryGetValue(gpu.Identity.Uuid, out var accounts))
        {
            var sms = GpuModels.Find(gpu.Identity.Name) is { SupportsMig: true } model ? model.MigProfiles.Max(p => p.SmCount) : (int?)null;
            _gpus[gpu.Identity.Uuid] = accounts = new GpuAccounts(sms);
        }

        var smsOfGpu = accounts.SmsOfGpu;

        foreach (var usage in snapshot.Tenants)
        {
            if (usage.Gpu != gpu.Identity.Index)
            {
                continue;
            }

            var used = gpu.Mode == SharingMode.Mig ? MigUse(gpu, usage.Tenant, smsOfGpu) : usage.SmShare ?? 0;
            var reserved = Math.Max(Reserved(gpu, usage.Tenant, smsOfGpu), floors.FloorOf(usage.Tenant, gpu.Identity.Index));
            var account = AccountOf(accounts, gpu.Identity, usage.Tenant);
            account.SmSeconds += Math.Clamp(used, 0, 1) * seconds;
            account.MemoryByteSeconds += Math.Max(0, usage.MemoryUsedBytes) * seconds;
            account.ReservedSeconds += Math.Clamp(reserved, 0, 1) * seconds;
        }
    }

    private UsageAccount AccountOf(GpuAccounts accounts, GpuIdentity gpu, string tenant)
    {
        if (!accounts.ByTenant.TryGetValue(tenant, out var account))
        {
            account = new UsageAccount(gpu.IndexLabel, gpu.Uuid, gpu.Name, tenant);
            accounts.ByTenant.Add(tenant, account);
            var at = _ordered.BinarySearch(account, ByGpuThenTenant);
            _ordered.Insert(at < 0 ? ~at : at, account);
        }

        account.Gpu = gpu.IndexLabel;
        return account;
    }

    /// <summary>The tenant's MIG instances' utilization, each weighted by its share of the GPU's SMs.</summary>
    private static double MigUse(GpuSnapshot gpu, string tenant, int? smsOfGpu)
    {
        var sum = 0.0;
        foreach (var p in gpu.Partitions)
        {
            if (p.Reading.Kind == PartitionKind.Mig && p.Tenant == tenant && p.Reading.SmUtilization is { } u)
            {
                sum += u * MigWeight(p.Reading, smsOfGpu);
            }
        }

        return sum;
    }

    /// <summary>What the tenant's partitions hold whether used or not: MIG instances, vGPU framebuffers, an exclusive GPU.</summary>
    private static double Reserved(GpuSnapshot gpu, string tenant, int? smsOfGpu)
    {
        var sum = 0.0;
        foreach (var p in gpu.Partitions)
        {
            if (p.Tenant != tenant)
            {
                continue;
            }

            sum += p.Reading.Kind switch
            {
                PartitionKind.Mig => MigWeight(p.Reading, smsOfGpu),
                PartitionKind.Vgpu when p.Reading.MemoryTotalBytes is { } fb && gpu.Device?.MemoryTotalBytes is > 0 and var total => (double)fb / total,
                PartitionKind.Exclusive => 1,
                _ => 0,
            };
        }

        return sum;
    }

    /// <summary>
    /// A MIG instance's share of the GPU: its SMs over those of the whole-GPU (7g) profile where the model is known,
    /// else its compute slices (the <c>Ng</c> of its profile) over seven. An A100 1g instance is 14 / 98 = 1/7.
    /// </summary>
    internal static double MigWeight(PartitionReading partition, int? smsOfGpu)
    {
        if (partition.SmCount is { } sms && smsOfGpu is > 0 and var total)
        {
            return Math.Min(1, (double)sms / total);
        }

        var profile = partition.Profile;
        var g = profile.IndexOf('g', StringComparison.Ordinal);
        return g > 0 && int.TryParse(profile.AsSpan(0, g), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var slices)
            ? Math.Min(1, slices / 7.0)
            : 0;
    }

    /// <summary>One GPU's accounts by tenant, and the SMs MIG can hand out of it (null when it has no MIG).</summary>
    private sealed class GpuAccounts(int? smsOfGpu)
    {
        public int? SmsOfGpu { get; } = smsOfGpu;

        public Dictionary<string, UsageAccount> ByTenant { get; } = new(StringComparer.Ordinal);
    }
}
