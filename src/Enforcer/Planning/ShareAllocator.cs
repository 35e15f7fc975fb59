namespace GpuQos.Enforcer.Planning;

/// <summary>
/// Weighted max-min fair sharing with guaranteed floors. Each tenant first gets the smaller of its floor and
/// its demand; what is left is water-filled in proportion to the weights, never giving a tenant more than it
/// wants. Idle capacity is therefore lent to whoever wants it, and a floor is honoured the moment its owner
/// asks for it again.
/// </summary>
public static class ShareAllocator
{
    /// <summary>Allocates <paramref name="capacity"/> between <paramref name="claims"/>; returns each tenant's share, in order.</summary>
    public static double[] Allocate(double capacity, IReadOnlyList<ShareClaim> claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var n = claims.Count;
        var shares = new double[n];
        var left = Math.Max(0, capacity);

        // Floors first. When the floors alone exceed the capacity, they are scaled down together.
        var floors = new double[n];
        for (var i = 0; i < n; i++)
        {
            floors[i] = Math.Max(0, Math.Min(claims[i].Floor, claims[i].Demand));
        }

        var floorSum = floors.Sum();
        var scale = floorSum > left && floorSum > 0 ? left / floorSum : 1;
        for (var i = 0; i < n; i++)
        {
            shares[i] = floors[i] * scale;
            left -= shares[i];
        }

        // Then water-filling by weight over the tenants still wanting more.
        var open = Enumerable.Range(0, n).Where(i => claims[i].Demand > shares[i] + 1e-12 && claims[i].Weight > 0).ToList();
        while (left > 1e-12 && open.Count > 0)
        {
            var weight = open.Sum(i => claims[i].Weight);
            var level = left / weight;

            // The tenant that saturates first bounds this round.
            var step = open.Min(i => (claims[i].Demand - shares[i]) / claims[i].Weight);
            var grant = Math.Min(level, step);
            foreach (var i in open)
            {
                var add = grant * claims[i].Weight;
                shares[i] += add;
                left -= add;
            }

            open.RemoveAll(i => claims[i].Demand <= shares[i] + 1e-12);
        }

        return shares;
    }
}
