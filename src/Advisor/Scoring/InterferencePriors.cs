using GpuQos.Model.Devices;

namespace GpuQos.Advisor.Scoring;

/// <summary>
/// Expected slowdown of a tenant beside active co-runners, when no audit measured it on this GPU. The figures
/// are the literature's (docs/advisor.md and ANCHORS): time-slicing +74% job completion time with 2 co-runners
/// and +158% with 3; MPS up to about 30% under memory contention; MIG dedicated compute, memory and cache.
/// </summary>
public static class InterferencePriors
{
    /// <summary>The prior slowdown (0.74 = 74% slower) and where it comes from.</summary>
    public static (double Slowdown, string Basis) For(SharingMode mode, VgpuSchedulerPolicy? vgpuPolicy, int activeCoRunners)
    {
        if (activeCoRunners <= 0)
        {
            return (0, "no active co-runner");
        }

        return mode switch
        {
            SharingMode.TimeSliced => TimeSliced(activeCoRunners),
            SharingMode.Vgpu when vgpuPolicy is VgpuSchedulerPolicy.BestEffort or null =>
                (TimeSliced(activeCoRunners).Slowdown, "vGPU best-effort is time-sliced: time-slicing prior (assumed)"),
            SharingMode.Vgpu => (0, "vGPU fixed/equal share: the share caps capacity; no extra interference assumed"),
            SharingMode.Mps => (0.30, "MPS prior: up to ~30% under memory contention"),
            SharingMode.Mig => (0, "MIG prior: dedicated SMs, memory and L2"),
            _ => (0, "exclusive: no co-runner"),
        };
    }

    private static (double Slowdown, string Basis) TimeSliced(int k) => k switch
    {
        1 => (0.37, "time-slicing prior: +37% with 1 co-runner (half of the +74% measured with 2)"),
        2 => (0.74, "time-slicing prior: +74% JCT with 2 co-runners"),
        3 => (1.58, "time-slicing prior: +158% JCT with 3 co-runners"),
        _ => (1.58 + (0.84 * (k - 3)), $"time-slicing prior: +158% with 3 co-runners, extrapolated to {k}"),
    };
}
