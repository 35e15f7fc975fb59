using ILGPU;

namespace GpuQos.IsolationProbes.Kernels;

/// <summary>
/// The ILGPU kernels the probes run. Each is a plain static method so that the same code is compiled for
/// CUDA on a GPU host and runs on ILGPU's CPU accelerator everywhere else.
/// </summary>
internal static class ProbeKernels
{
    /// <summary>
    /// Compute victim and aggressor: a dependent FMA chain per element. The chain is serial on purpose, so
    /// the work is fixed and cannot be shortened by the compiler or hidden by memory latency.
    /// </summary>
    public static void FmaChain(Index1D i, ArrayView<float> data, int iterations)
    {
        var x = data[i];
        var y = 1.0001f;
        for (var k = 0; k < iterations; k++)
        {
            x = (x * y) + 0.0001f;
            y = (y * 0.9999f) + 0.00001f;
        }

        data[i] = x;
    }

    /// <summary>
    /// STREAM triad <c>a = b + s·c</c>: bandwidth victim and aggressor. Grid-stride: thread <c>i</c> handles
    /// <c>i, i + stride, …</c>, so a GPU coalesces its loads and the CPU accelerator needs few threads.
    /// </summary>
    public static void Triad(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, float scalar, int stride)
    {
        for (var k = (long)i.X; k < a.Length; k += stride)
        {
            a[k] = b[k] + (scalar * c[k]);
        }
    }

    /// <summary>
    /// Cache thrasher: touches one word per cache line of a working set larger than the last-level cache;
    /// each sweep starts at another line, so every access evicts someone else's line.
    /// </summary>
    public static void Thrash(Index1D i, ArrayView<int> data, int lineInts, int sweeps, int stride)
    {
        var lines = data.Length / lineInts;
        for (var s = 0; s < sweeps; s++)
        {
            for (var line = (long)i.X; line < lines; line += stride)
            {
                var target = (line + (s * 7919L)) % lines;
                data[target * lineInts] += 1;
            }
        }
    }

    /// <summary>
    /// Latency victim: a pointer chase through a random cyclic permutation. Each load depends on the one
    /// before, so the time per step is the memory latency at the working set's level of the hierarchy.
    /// </summary>
    public static void PointerChase(Index1D i, ArrayView<int> next, ArrayView<int> sink, int steps)
    {
        var p = (int)i;
        for (var k = 0; k < steps; k++)
        {
            p = next[p];
        }

        sink[i] = p;
    }

    /// <summary>Writes <paramref name="pattern"/> (a canary, or a storm of writes) into every word, grid-stride.</summary>
    public static void Fill(Index1D i, ArrayView<long> data, long pattern, int stride)
    {
        for (var k = (long)i.X; k < data.Length; k += stride)
        {
            data[k] = pattern ^ k;
        }
    }

    /// <summary>Counts words equal to the canary (as <see cref="Fill"/> wrote it) in memory nobody initialised.</summary>
    public static void CountCanary(Index1D i, ArrayView<long> data, long pattern, ArrayView<int> hits, int stride)
    {
        var found = 0;
        for (var k = (long)i.X; k < data.Length; k += stride)
        {
            if (data[k] == (pattern ^ k))
            {
                found++;
            }
        }

        Atomic.Add(ref hits[0], found);
    }

    /// <summary>Counts words that differ from what <see cref="Fill"/> wrote: the integrity check.</summary>
    public static void CountMismatches(Index1D i, ArrayView<long> data, long pattern, ArrayView<int> mismatches, int stride)
    {
        var found = 0;
        for (var k = (long)i.X; k < data.Length; k += stride)
        {
            if (data[k] != (pattern ^ k))
            {
                found++;
            }
        }

        Atomic.Add(ref mismatches[0], found);
    }
}
