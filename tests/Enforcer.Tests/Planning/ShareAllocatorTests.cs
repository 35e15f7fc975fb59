using GpuQos.Enforcer.Planning;

namespace GpuQos.Enforcer.Tests.Planning;

public sealed class ShareAllocatorTests
{
    [Fact]
    public void Allocate_FloorThenWeightedRemainder_FloorHonouredAndRestSplitByWeight()
    {
        var shares = ShareAllocator.Allocate(1, [new("victim", 0.5, 0.3, 1), new("a", 1, 0, 1), new("b", 1, 0, 3)]);

        // The victim gets its floor first; what is left is water-filled 1:1:3 across the three.
        Assert.Equal(1, shares.Sum(), 6);
        Assert.True(shares[0] >= 0.3);
        Assert.Equal(3, shares[2] / shares[1], 6);
    }

    [Fact]
    public void Allocate_IdleOwner_FloorLentToOthers()
    {
        var shares = ShareAllocator.Allocate(1, [new("owner", 0.05, 0.5, 1), new("borrower", 1, 0, 1)]);
        Assert.Equal(0.05, shares[0], 6);
        Assert.Equal(0.95, shares[1], 6);
    }

    [Fact]
    public void Allocate_DemandsBelowCapacity_EachGetsItsDemand()
    {
        var shares = ShareAllocator.Allocate(1, [new("a", 0.2, 0, 1), new("b", 0.3, 0.1, 1)]);
        Assert.Equal([0.2, 0.3], shares.Select(s => Math.Round(s, 6)));
    }

    [Fact]
    public void Allocate_FloorsExceedCapacity_ScaledTogether()
    {
        var shares = ShareAllocator.Allocate(0.6, [new("a", 1, 0.6, 1), new("b", 1, 0.3, 1)]);
        Assert.Equal(0.4, shares[0], 6);
        Assert.Equal(0.2, shares[1], 6);
    }
}
