namespace GpuQos.Backends.Simulation;

/// <summary>Evaluates a <see cref="DemandOptions"/> at a point in simulated time.</summary>
internal static class DemandProfile
{
    public static double At(DemandOptions d, int seed, string workload, TimeSpan t) => At(d, DemandKey.Of(seed, workload), t);

    /// <summary>The demand at <paramref name="t"/>, with the workload's name hashed once (<see cref="DemandKey"/>).</summary>
    public static double At(DemandOptions d, DemandKey key, TimeSpan t)
    {
        var level = d.Kind switch
        {
            DemandKind.Steady => d.Level,
            DemandKind.Bursty => StableHash.Unit(StableHash.Of(key.Name, (long)(t / d.Period))) < d.Duty ? d.Peak : d.Level,
            DemandKind.Periodic => (t.Ticks % d.Period.Ticks) < d.Period.Ticks * d.Duty ? d.Peak : d.Level,
            DemandKind.Ramp => Ramp(d, t),
            _ => d.Level,
        };
        if (d.Jitter > 0 && level > 0)
        {
            var u = StableHash.Unit(StableHash.Of(key.Jitter, (long)t.TotalSeconds));
            level *= 1 + (d.Jitter * ((2 * u) - 1));
        }

        return Math.Clamp(level, 0, 1);
    }

    private static double Ramp(DemandOptions d, TimeSpan t)
    {
        var cycle = d.RampStart + d.RampDuration + (d.Hold ?? TimeSpan.Zero);
        if (d.Hold is not null && d.Period > cycle)
        {
            t = TimeSpan.FromTicks(t.Ticks % d.Period.Ticks);
        }

        if (t < d.RampStart)
        {
            return d.Level;
        }

        if (t < d.RampStart + d.RampDuration)
        {
            var x = (t - d.RampStart) / d.RampDuration;
            return d.Level + ((d.Peak - d.Level) * x);
        }

        return d.Hold is { } hold && t >= d.RampStart + d.RampDuration + hold ? d.Level : d.Peak;
    }
}

/// <summary>A workload's name hashed for its demand draws and its jitter draws, once for all its cycles.</summary>
internal readonly record struct DemandKey(ulong Name, ulong Jitter)
{
    public static DemandKey Of(int seed, string workload) => new(StableHash.Text(seed, workload), StableHash.Text(seed, workload + "/jitter"));
}
