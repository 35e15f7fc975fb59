using GpuQos.Collectors.Nvml;

namespace GpuQos.Collectors.Tests.Nvml;

public sealed class ProcessNameCacheTests
{
    [Fact]
    public void EndPass_DropsTheNamesThePassDidNotLookUp()
    {
        var cache = new ProcessNameCache();
        cache.BeginPass();
        cache.Remember(10, "a");
        cache.Remember(11, "b");
        cache.EndPass();

        cache.BeginPass();
        Assert.True(cache.TryGet(11, out var b));
        cache.EndPass();

        Assert.Equal("b", b);
        Assert.Equal(1, cache.Count);
        Assert.False(cache.TryGet(10, out _)); // gone: PID 10 is read again if it comes back
    }

    [Fact]
    public void Passes_OverChangingProcessLists_KeepExactlyTheProcessesOfTheLastPass()
    {
        var random = new Random(7);
        var cache = new ProcessNameCache();
        for (var cycle = 0; cycle < 200; cycle++)
        {
            var running = Enumerable.Range(0, random.Next(0, 40)).Select(_ => random.Next(1, 60)).Distinct().ToArray();
            cache.BeginPass();
            foreach (var pid in running)
            {
                if (!cache.TryGet(pid, out var name))
                {
                    cache.Remember(pid, $"p{pid}");
                }
                else
                {
                    Assert.Equal($"p{pid}", name);
                }
            }

            cache.EndPass();
            Assert.Equal(running.Length, cache.Count);
        }
    }
}
