using GpuQos.Backends.Nvml;

namespace GpuQos.Collectors.Tests.Backends.Nvml;

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
        var previous = new HashSet<int>();
        for (var cycle = 0; cycle < 200; cycle++)
        {
            var running = Enumerable.Range(0, random.Next(0, 40)).Select(_ => random.Next(1, 60)).Distinct().ToArray();
            cache.BeginPass();
            foreach (var pid in running)
            {
                // Held exactly when the last pass saw the PID; read (here: made up) otherwise.
                Assert.Equal(previous.Contains(pid), cache.TryGet(pid, out var name));
                if (previous.Contains(pid))
                {
                    Assert.Equal($"p{pid}", name);
                }
                else
                {
                    cache.Remember(pid, $"p{pid}");
                }
            }

            cache.EndPass();
            Assert.Equal(running.Length, cache.Count);
            previous = [.. running];
        }
    }
}
