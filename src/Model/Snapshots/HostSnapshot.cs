using GpuQos.Model.Attribution;
using GpuQos.Model.Devices;

namespace GpuQos.Model.Snapshots;

/// <summary>
/// Everything known about the host at one collection instant. Immutable: exposition, the SLA evaluator and
/// the HTTP API all read the same snapshot without locks, and a scrape never reaches the backend.
/// </summary>
public sealed record HostSnapshot
{
    /// <summary>When the collection cycle ran (by the injected clock).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Monotonic cycle number, starting at 1.</summary>
    public required long Sequence { get; init; }

    /// <summary>The backend that produced it (<c>nvml</c> or <c>sim</c>).</summary>
    public required string Backend { get; init; }

    public required IReadOnlyList<GpuSnapshot> Gpus { get; init; }

    /// <summary>Per-tenant usage of each GPU, derived from the processes and partitions.</summary>
    public IReadOnlyList<TenantUsage> Tenants { get; init; } = [];

    /// <summary>How each collector fared in this cycle.</summary>
    public required IReadOnlyList<CollectorStatus> Collectors { get; init; }

    /// <summary>True for the history's form of a snapshot (see <see cref="Compact"/>).</summary>
    public bool Compacted { get; init; }

    /// <summary>
    /// The form the history keeps once a newer snapshot is published. On a GPU whose use is attributed to
    /// tenants (<see cref="Tenants"/> has usage on it) the processes and partitions are dropped: what the
    /// history's readers take from them (the SLA evaluator's shares, memory and co-tenant counts, the advisor's
    /// demand) is already summed in the tenant usage, and the processes are most of a snapshot's memory; the
    /// tenant usage drops its lookup index (<see cref="TenantUsages.ReleaseIndex"/>). Where
    /// nothing is attributed they stay, because the advisor then counts each process or partition as a
    /// workload of its own. Device and health readings always stay.
    /// </summary>
    public HostSnapshot Compact()
    {
        if (Compacted)
        {
            return this;
        }

        var gpus = new GpuSnapshot[Gpus.Count];
        for (var i = 0; i < gpus.Length; i++)
        {
            var gpu = Gpus[i];
            gpus[i] = Attributed(gpu.Identity.Index) && (gpu.Processes.Count > 0 || gpu.Partitions.Count > 0)
                ? gpu with { Processes = [], Partitions = [] }
                : gpu;
        }

        if (Tenants is TenantUsages indexed)
        {
            indexed.ReleaseIndex();
        }

        return this with { Gpus = gpus, Compacted = true };
    }

    private bool Attributed(int gpu)
    {
        foreach (var t in Tenants)
        {
            if (t.Gpu == gpu)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The tenant's usage of the GPU, or null when it has none there (indexed when the pipeline built it).</summary>
    public TenantUsage? UsageOf(string tenant, int gpu)
    {
        if (Tenants is TenantUsages indexed)
        {
            return indexed.Find(tenant, gpu);
        }

        foreach (var t in Tenants)
        {
            if (t.Gpu == gpu && string.Equals(t.Tenant, tenant, StringComparison.Ordinal))
            {
                return t;
            }
        }

        return null;
    }
}

/// <summary>One GPU in a snapshot. Parts a collector failed to read are null or empty; the rest stand.</summary>
public sealed record GpuSnapshot
{
    public required GpuIdentity Identity { get; init; }

    /// <summary>True once the GPU has fallen off the bus (GPU_IS_LOST); it is not read again.</summary>
    public bool Lost { get; init; }
    public DeviceReading? Device { get; init; }
    public HealthReading? Health { get; init; }
    public IReadOnlyList<PartitionSnapshot> Partitions { get; init; } = [];
    public IReadOnlyList<ProcessSnapshot> Processes { get; init; } = [];

    /// <summary>
    /// False when the process list could not be read this cycle (an NVML error, a lost GPU): an empty
    /// <see cref="Processes"/> then means "unknown", not "nobody runs here".
    /// </summary>
    public bool ProcessesRead { get; init; } = true;

    /// <summary>The sharing mode, from the device reading, or from the partitions when the device read failed.</summary>
    public SharingMode? Mode => Device?.Mode;
}

/// <summary>A partition and the tenant that owns it (empty when it is shared or nobody is known).</summary>
public sealed record PartitionSnapshot(PartitionReading Reading, string Tenant);

/// <summary>A GPU process with its partition and who it belongs to.</summary>
public sealed record ProcessSnapshot(ProcessReading Reading, PartitionReading? Partition, ProcessAttribution Attribution);

/// <summary>A tenant's use of one GPU in one cycle.</summary>
/// <param name="Tenant">Tenant name.</param>
/// <param name="Gpu">GPU index.</param>
/// <param name="SmShare">Share of the GPU's SM time (0..1), where it can be known.</param>
/// <param name="MemoryUsedBytes">Device memory the tenant's processes and partitions hold.</param>
/// <param name="Processes">Number of the tenant's processes on the GPU.</param>
/// <param name="CoTenants">
/// How many other tenants have processes on a partition where this tenant has processes (on a whole shared GPU,
/// every other tenant with a process on it).
/// </param>
public sealed record TenantUsage(string Tenant, int Gpu, double? SmShare, long MemoryUsedBytes, int Processes, int CoTenants = 0);

/// <summary>How one collector fared in one cycle.</summary>
public sealed record CollectorStatus(string Name, TimeSpan Duration, bool Success, string? Error);
