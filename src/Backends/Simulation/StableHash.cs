namespace GpuQos.Backends.Simulation;

/// <summary>
/// Process-independent hashing for the simulation. <see cref="string.GetHashCode()"/> is randomized per
/// process, so it cannot make a run reproducible; this can.
/// </summary>
internal static class StableHash
{
    public static ulong Of(int seed, string text, long n = 0) => Of(Text(seed, text), n);

    /// <summary>
    /// The seed and text hashed, before the number: <c>Of(Text(seed, text), n) == Of(seed, text, n)</c>. A caller that
    /// hashes one text with many numbers (a workload's demand, every cycle) hashes the text once.
    /// </summary>
    public static ulong Text(int seed, string text)
    {
        var h = 14695981039346656037UL ^ (ulong)seed;
        foreach (var c in text)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        return h;
    }

    /// <summary>The hash of a text hashed by <see cref="Text"/>, with a number.</summary>
    public static ulong Of(ulong text, long n) => Mix(text ^ (ulong)n);

    /// <summary>A uniform double in [0, 1) from a hash.</summary>
    public static double Unit(ulong h) => (Mix(h) >> 11) * (1.0 / (1UL << 53));

    /// <summary>A UUID-shaped string from a hash, e.g. for <c>GPU-…</c> and <c>MIG-…</c>.</summary>
    public static string Uuid(ulong h)
    {
        var a = Mix(h);
        var b = Mix(a);
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, a);
        BitConverter.TryWriteBytes(bytes[8..], b);
        return new Guid(bytes).ToString();
    }

    // SplitMix64 finalizer.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }
}
