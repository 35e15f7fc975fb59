namespace GpuQos.Model.Devices;

/// <summary>A MIG GPU instance placed on a GPU: a profile and the memory slice it starts at.</summary>
public sealed record MigPlacement(MigProfile Profile, int Start)
{
    /// <summary>One past the last memory slice the instance occupies.</summary>
    public int End => Start + Profile.MemorySlices;
}

/// <summary>
/// Checks and completes MIG geometries against a model's profile table: allowed starts, no overlap,
/// per-profile maximum counts, and the slice budget.
/// </summary>
public static class MigGeometry
{
    /// <summary>
    /// Places the requested instances. Instances with a fixed start keep it. The others get the first
    /// feasible packing found by a depth-first search over their allowed starts (in the order given), so a
    /// geometry that fits is never rejected because of the order it was listed in. Configurations GpuQos
    /// writes always carry explicit placements, so they do not depend on how NVML picks a default placement.
    /// Returns the placements, or the reasons the geometry is invalid.
    /// </summary>
    public static (IReadOnlyList<MigPlacement> Placements, IReadOnlyList<string> Errors) Place(
        GpuModel model, IReadOnlyList<(string Profile, int? Start)> requested)
    {
        var errors = new List<string>();
        var placements = new MigPlacement?[requested.Count];
        var used = new bool[Math.Max(model.MemorySlices, 1)];
        if (!model.SupportsMig)
        {
            errors.Add($"{model.Key} does not support MIG");
            return ([], errors);
        }

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var profiles = new MigProfile?[requested.Count];
        for (var i = 0; i < requested.Count; i++)
        {
            var profile = model.FindProfile(requested[i].Profile);
            if (profile is null)
            {
                errors.Add($"[{i}]: profile '{requested[i].Profile}' does not exist on {model.Key} (valid: {string.Join(", ", model.MigProfiles.Select(p => p.Name))})");
                continue;
            }

            profiles[i] = profile;
            counts[profile.Name] = counts.GetValueOrDefault(profile.Name) + 1;
            if (counts[profile.Name] == profile.MaxCount + 1)
            {
                errors.Add($"[{i}]: at most {profile.MaxCount} instance(s) of {profile.Name} fit on {model.Key}");
            }
        }

        // Fixed starts first, so that automatic placement cannot take their slices.
        for (var i = 0; i < requested.Count; i++)
        {
            if (profiles[i] is not { } profile || requested[i].Start is not { } start)
            {
                continue;
            }

            if (!profile.AllowedStarts.Contains(start))
            {
                errors.Add($"[{i}]: {profile.Name} cannot start at memory slice {start} (allowed: {string.Join(", ", profile.AllowedStarts)})");
                continue;
            }

            if (!TryOccupy(used, start, profile.MemorySlices))
            {
                errors.Add($"[{i}]: {profile.Name} at slice {start} overlaps another instance");
                continue;
            }

            placements[i] = new MigPlacement(profile, start);
        }

        if (errors.Count > 0)
        {
            return ([], errors);
        }

        var free = Enumerable.Range(0, requested.Count).Where(i => requested[i].Start is null).ToArray();
        if (!Search(free, 0, profiles, placements, used))
        {
            var slices = profiles.Where(p => p is not null).Sum(p => p!.MemorySlices);
            errors.Add($"[{free[^1]}]: no free placement left for {profiles[free[^1]]!.Name} on {model.Key}: the instances need {slices} of {model.MemorySlices} memory slices and no packing of their allowed starts fits");
            return ([], errors);
        }

        return (placements.Select(p => p!).ToArray(), errors);
    }

    private static bool Search(int[] free, int next, MigProfile?[] profiles, MigPlacement?[] placements, bool[] used)
    {
        if (next == free.Length)
        {
            return true;
        }

        var i = free[next];
        var profile = profiles[i]!;
        foreach (var start in profile.AllowedStarts)
        {
            if (!TryOccupy(used, start, profile.MemorySlices))
            {
                continue;
            }

            placements[i] = new MigPlacement(profile, start);
            if (Search(free, next + 1, profiles, placements, used))
            {
                return true;
            }

            Release(used, start, profile.MemorySlices);
            placements[i] = null;
        }

        return false;
    }

    private static void Release(bool[] used, int start, int size)
    {
        for (var s = start; s < start + size; s++)
        {
            used[s] = false;
        }
    }

    private static bool TryOccupy(bool[] used, int start, int size)
    {
        if (start + size > used.Length)
        {
            return false;
        }

        for (var s = start; s < start + size; s++)
        {
            if (used[s])
            {
                return false;
            }
        }

        for (var s = start; s < start + size; s++)
        {
            used[s] = true;
        }

        return true;
    }
}
