using GpuQos.Backends.Simulation;

namespace GpuQos.Collectors.Tests.Backends.Simulation;

public sealed class FairShareTests
{
    [Theory]
    [InlineData(new[] { 1.0, 1.0 }, new[] { 1.0, 1.0 }, new[] { 0.5, 0.5 })]
    [InlineData(new[] { 0.2, 1.0 }, new[] { 1.0, 1.0 }, new[] { 0.2, 0.8 })]
    [InlineData(new[] { 1.0, 1.0 }, new[] { 1.0, 3.0 }, new[] { 0.25, 0.75 })]
    [InlineData(new[] { 0.1, 0.2 }, new[] { 1.0, 1.0 }, new[] { 0.1, 0.2 })]
    [InlineData(new[] { 0.2, 1.0, 1.0 }, new[] { 1.0, 1.0, 2.0 }, new[] { 0.2, 0.8 / 3, 1.6 / 3 })]
    [InlineData(new[] { 0.3, 1.0, 1.0 }, new[] { 1.0, 1.0, 2.0 }, new[] { 0.25, 0.25, 0.5 })]
    public void Allocate_IsWeightedMaxMin(double[] caps, double[] weights, double[] expected)
    {
        var allocation = new double[caps.Length];
        FairShare.Allocate(1, caps, weights, allocation);
        for (var i = 0; i < caps.Length; i++)
        {
            Assert.Equal(expected[i], allocation[i], 9);
        }
    }

    [Fact]
    public void Allocate_NeverExceedsCapacityOrCaps()
    {
        var random = new Random(7);
        for (var n = 0; n < 500; n++)
        {
            var count = random.Next(1, 12);
            var caps = Enumerable.Range(0, count).Select(_ => random.NextDouble()).ToArray();
            var weights = Enumerable.Range(0, count).Select(_ => 0.1 + random.NextDouble()).ToArray();
            var capacity = random.NextDouble();
            var allocation = new double[count];
            FairShare.Allocate(capacity, caps, weights, allocation);
            Assert.True(allocation.Sum() <= capacity + 1e-9);
            Assert.Equal(Math.Min(capacity, caps.Sum()), allocation.Sum(), 9);
            for (var i = 0; i < count; i++)
            {
                Assert.InRange(allocation[i], 0, caps[i] + 1e-12);
            }
        }
    }
}
