namespace GpuQos.Collectors.Model;

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
    /// Places the requested instances. Instances with a fixed start keep it; the rest are placed in the
    /// order given at their first free allowed start, as NVML does when no placement is given (which is why
    /// creation order matters). Returns the placements, or the reasons the geometry is invalid.
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

        for (var i = 0; i < requested.Count; i++)
        {
            if (profiles[i] is not { } profile || requested[i].Start is not null)
            {
                continue;
            }

            var placed = false;
            foreach (var start in profile.AllowedStarts)
            {
                if (TryOccupy(used, start, profile.MemorySlices))
                {
                    placements[i] = new MigPlacement(profile, start);
                    placed = true;
                    break;
                }
            }

            if (!placed)
            {
                errors.Add($"[{i}]: no free placement left for {profile.Name} on {model.Key} (memory slices in use: {string.Join(",", Enumerable.Range(0, used.Length).Where(s => used[s]))})");
            }
        }

        return errors.Count > 0 ? ([], errors) : (placements.Select(p => p!).ToArray(), errors);
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
