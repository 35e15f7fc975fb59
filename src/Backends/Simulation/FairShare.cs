namespace GpuQos.Backends.Simulation;

/// <summary>
/// Weighted max-min fair allocation (water-filling): capacity is handed out in proportion to weight,
/// and nobody gets more than they ask for; what a satisfied claimant leaves goes to the others.
/// This is how a time-sliced scheduler divides SM time among busy contexts.
/// </summary>
public static class FairShare
{
    /// <summary>Fills <paramref name="allocation"/> from <paramref name="caps"/> and <paramref name="weights"/>.</summary>
    public static void Allocate(double capacity, ReadOnlySpan<double> caps, ReadOnlySpan<double> weights, Span<double> allocation)
    {
        var n = caps.Length;
        Span<bool> done = n <= 256 ? stackalloc bool[n] : new bool[n];
        allocation.Clear();
        var remaining = Math.Max(0, capacity);
        for (var round = 0; round < n && remaining > 1e-12; round++)
        {
            double weightSum = 0;
            for (var i = 0; i < n; i++)
            {
                if (!done[i])
                {
                    weightSum += weights[i];
                }
            }

            if (weightSum <= 0)
            {
                break;
            }

            var anySaturated = false;
            var unit = remaining / weightSum;
            for (var i = 0; i < n; i++)
            {
                if (!done[i] && caps[i] - allocation[i] <= unit * weights[i])
                {
                    remaining -= caps[i] - allocation[i];
                    allocation[i] = caps[i];
                    done[i] = true;
                    anySaturated = true;
                }
            }

            if (!anySaturated)
            {
                for (var i = 0; i < n; i++)
                {
                    if (!done[i])
                    {
                        allocation[i] += unit * weights[i];
                    }
                }

                remaining = 0;
            }
        }
    }
}
