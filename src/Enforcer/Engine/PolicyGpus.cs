using GpuQos.Model.Snapshots;

namespace GpuQos.Enforcer.Engine;

/// <summary>Which GPUs each policy is evaluated on this cycle.</summary>
internal static class PolicyGpus
{
    /// <summary>
    /// The GPUs a policy is evaluated on: those it names, or those its tenant uses now plus those it already
    /// tracks (so a tenant that left is still seen to recover). Live and in range, in order.
    /// </summary>
    public static void Of(CompiledPolicy policy, HostSnapshot latest, Dictionary<string, List<int>> tenantGpus, List<int> gpus)
    {
        gpus.Clear();
        if (policy.Options.Gpus.Count > 0)
        {
            gpus.AddRange(policy.Options.Gpus);
        }
        else
        {
            if (tenantGpus.TryGetValue(policy.Options.Tenant, out var used))
            {
                gpus.AddRange(used);
            }

            gpus.AddRange(policy.Tracks.Keys);
        }

        // GPU indexes below 64 (every host there is) are deduplicated and ordered as bits of one word; this
        // runs for each of the policies every cycle.
        var bits = 0UL;
        var wide = false;
        foreach (var g in gpus)
        {
            if (g is >= 0 and < 64)
            {
                bits |= 1UL << g;
            }
            else
            {
                wide |= g >= 64;
            }
        }

        if (wide)
        {
            gpus.Sort();
        }
        else
        {
            gpus.Clear();
            for (; bits != 0; bits &= bits - 1)
            {
                gpus.Add(System.Numerics.BitOperations.TrailingZeroCount(bits));
            }
        }

        var kept = 0;
        for (var i = 0; i < gpus.Count; i++)
        {
            var g = gpus[i];
            if (g >= 0 && g < latest.Gpus.Count && !latest.Gpus[g].Lost && (kept == 0 || gpus[kept - 1] != g))
            {
                gpus[kept++] = g;
            }
        }

        gpus.RemoveRange(kept, gpus.Count - kept);
    }

    // Built once per cycle: asking each of a thousand policies to scan every tenant and every track made the
    // evaluation quadratic in the number of policies.
    public static Dictionary<string, List<int>> ByTenant(HostSnapshot latest)
    {
        var result = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (var t in latest.Tenants)
        {
            Add(result, t.Tenant, t.Gpu);
        }

        return result;
    }

    private static void Add(Dictionary<string, List<int>> map, string key, int gpu)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(gpu);
    }
}
