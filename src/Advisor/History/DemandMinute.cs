using GpuQos.Model.Snapshots;

using B = GpuQos.Advisor.Readers.SnapshotEvidenceBuilder;

namespace GpuQos.Advisor.History;

/// <summary>
/// One minute of the host's use as the advisor reads it: per GPU and tenant (or, on a GPU where no tenant is
/// known in a cycle, per process or partition) the SM shares and the memory peak, and per GPU its SM
/// utilization. Nothing of the snapshots themselves is kept.
/// </summary>
internal sealed class DemandMinute(DateTimeOffset start)
{
    /// <summary>The start of the minute (UTC, whole minutes).</summary>
    public DateTimeOffset Start { get; } = start;

    /// <summary>The first cycle's time in the minute.</summary>
    public DateTimeOffset First { get; private set; } = DateTimeOffset.MaxValue;

    /// <summary>The last cycle's time in the minute.</summary>
    public DateTimeOffset Last { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>Per (GPU, tenant).</summary>
    public Dictionary<(int Gpu, string Name), UsageTally> Tenants { get; } = [];

    /// <summary>Per (GPU, process or partition), in cycles where the GPU had no tenant.</summary>
    public Dictionary<(int Gpu, string Name), UsageTally> Workloads { get; } = [];

    /// <summary>Per GPU, its SM utilization.</summary>
    public Dictionary<int, UsageTally> Devices { get; } = [];

    /// <summary>How many tallies the minute holds: its size, for tests and benchmarks.</summary>
    public int Tallies => Tenants.Count + Workloads.Count + Devices.Count;

    /// <summary>Adds one cycle.</summary>
    public void Add(HostSnapshot snapshot)
    {
        First = snapshot.Timestamp < First ? snapshot.Timestamp : First;
        Last = snapshot.Timestamp > Last ? snapshot.Timestamp : Last;
        var attributed = new HashSet<int>();
        foreach (var t in snapshot.Tenants)
        {
            attributed.Add(t.Gpu);
            Tally(Tenants, (t.Gpu, t.Tenant)).Add(t.SmShare, t.MemoryUsedBytes);
        }

        foreach (var gpu in snapshot.Gpus)
        {
            var index = gpu.Identity.Index;
            Tally(Devices, index).AddShare(gpu.Device?.SmUtilization);

            // The processes and partitions are read only where no tenant is known, as the advisor reads them.
            if (!attributed.Contains(index))
            {
                foreach (var w in B.Workloads(gpu))
                {
                    Tally(Workloads, (index, w.Tenant)).Add(w.SmShare, w.MemoryUsedBytes);
                }
            }
        }
    }

    /// <summary>Closes every tally into its compact form.</summary>
    public void Close()
    {
        foreach (var t in Tenants.Values)
        {
            t.Close();
        }

        foreach (var t in Workloads.Values)
        {
            t.Close();
        }

        foreach (var t in Devices.Values)
        {
            t.Close();
        }
    }

    private static UsageTally Tally<TKey>(Dictionary<TKey, UsageTally> tallies, TKey key)
        where TKey : notnull
    {
        if (!tallies.TryGetValue(key, out var tally))
        {
            tallies[key] = tally = new UsageTally();
        }

        return tally;
    }
}
