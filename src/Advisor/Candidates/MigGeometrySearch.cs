using System.Globalization;
using GpuQos.Advisor.Evidence;
using GpuQos.Model.Devices;

namespace GpuQos.Advisor.Candidates;

/// <summary>
/// Finds the MIG geometries that give every tenant an instance of its own: each instance must hold the
/// tenant's memory peak (with headroom), and the whole set must place on the GPU as NVML would create it,
/// largest first, at placements <see cref="MigGeometry.Place"/> accepts. When none exists it says why.
/// </summary>
public static class MigGeometrySearch
{
    private const double GiB = 1L << 30;

    /// <summary>
    /// Every valid geometry (one instance per tenant, with explicit placements), or the reason there is none. With a
    /// <paramref name="memo"/>, a search already made for the same model, tenant names and eligible profiles is not
    /// made again (see <see cref="MigGeometryMemo"/>).
    /// </summary>
    public static (IReadOnlyList<Candidate> Geometries, string? Rejection) Search(GpuModel model, IReadOnlyList<TenantEvidence> tenants, double memoryHeadroom, MigGeometryMemo? memo = null)
    {
        if (!model.SupportsMig)
        {
            return ([], $"{model.Key} does not support MIG");
        }

        var usable = model.MigProfiles.Where(p => !p.HasMediaExtensions).OrderBy(p => p.MemorySlices).ThenBy(p => p.SmCount).ToArray();
        var maxInstances = usable.Max(p => p.MaxCount);
        if (tenants.Count > maxInstances)
        {
            return ([], $"{tenants.Count} tenants, but MIG on {model.Key} holds at most {maxInstances} instances");
        }

        var largest = usable.MaxBy(p => p.MemoryBytes)!;
        var eligible = new MigProfile[tenants.Count][];
        for (var i = 0; i < tenants.Count; i++)
        {
            var need = tenants[i].MemoryPeakBytes * (1 + memoryHeadroom);
            eligible[i] = [.. usable.Where(p => p.MemoryBytes >= need)];
            if (eligible[i].Length == 0)
            {
                return ([], $"{tenants[i].Name}'s memory peak {Gib(tenants[i].MemoryPeakBytes)} (+{memoryHeadroom:P0} headroom) exceeds the largest MIG instance, {largest.Name} ({Gib(largest.MemoryBytes)})");
            }
        }

        var geometries = memo is null ? Geometries(model, tenants, eligible) : memo.GetOrAdd(model, tenants, eligible, Geometries);
        if (geometries.Count > 0)
        {
            return (geometries, null);
        }

        var smallest = tenants.Select((t, i) => $"{t.Name} {eligible[i][0].Name} ({Gib(t.MemoryPeakBytes)} peak)").ToArray();
        var slices = eligible.Sum(e => e[0].MemorySlices);
        return ([], $"no MIG geometry holds every tenant's memory: the smallest instances that fit each peak are {string.Join(", ", smallest)}, "
            + $"{slices} memory slices in all where {model.Key} has {model.MemorySlices}, or they cannot be placed together");
    }

    // Every combination of eligible profiles that fits the memory slices, each placed explicitly. Depends only on the
    // model, the tenants' names and their eligible profiles, which is what MigGeometryMemo keys on.
    private static List<Candidate> Geometries(GpuModel model, IReadOnlyList<TenantEvidence> tenants, MigProfile[][] eligible)
    {
        var found = new List<Candidate>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var choice = new MigProfile[tenants.Count];
        Enumerate(0, 0);
        return found;

        void Enumerate(int i, int slicesUsed)
        {
            if (i == tenants.Count)
            {
                TryAdd();
                return;
            }

            foreach (var p in eligible[i])
            {
                if (slicesUsed + p.MemorySlices > model.MemorySlices)
                {
                    break; // eligible is sorted by memory slices: the rest are larger.
                }

                choice[i] = p;
                Enumerate(i + 1, slicesUsed + p.MemorySlices);
            }
        }

        void TryAdd()
        {
            // Create the largest first: NVML's automatic placement then leaves room for the small ones.
            var order = Enumerable.Range(0, tenants.Count)
                .OrderByDescending(i => choice[i].MemorySlices).ThenByDescending(i => choice[i].SmCount).ThenBy(i => tenants[i].Name, StringComparer.Ordinal)
                .ToArray();
            var key = string.Join(",", order.Select(i => tenants[i].Name + "=" + choice[i].Name));
            if (!seen.Add(key))
            {
                return;
            }

            // NVML's automatic placement can paint itself into a corner (a 3g at slice 0 leaves no room for 3-2-1-1
            // on an A100), so placements are searched explicitly, then checked by the model's own placement rules.
            var starts = new int[order.Length];
            if (!PlaceFrom(0, new bool[model.MemorySlices]))
            {
                return;
            }

            var (placements, errors) = MigGeometry.Place(model, [.. order.Select((i, k) => (choice[i].Name, (int?)starts[k]))]);
            if (errors.Count > 0)
            {
                return;
            }

            bool PlaceFrom(int k, bool[] used)
            {
                if (k == order.Length)
                {
                    return true;
                }

                var p = choice[order[k]];
                foreach (var start in p.AllowedStarts)
                {
                    if (start + p.MemorySlices > used.Length || Array.IndexOf(used, true, start, p.MemorySlices) >= 0)
                    {
                        continue;
                    }

                    Array.Fill(used, true, start, p.MemorySlices);
                    starts[k] = start;
                    if (PlaceFrom(k + 1, used))
                    {
                        return true;
                    }

                    Array.Fill(used, false, start, p.MemorySlices);
                }

                return false;
            }

            var allocations = order.Select((t, k) => new TenantAllocation(
                tenants[t].Name, (double)choice[t].SmCount / model.SmCount, choice[t].Name, placements[k].Start)).ToArray();
            found.Add(new Candidate(SharingMode.Mig, "MIG " + string.Join("+", allocations.Select(a => a.Profile)), allocations, []));
        }
    }

    internal static string Gib(long bytes) => (bytes / GiB).ToString("0.0", CultureInfo.InvariantCulture) + " GiB";
}
