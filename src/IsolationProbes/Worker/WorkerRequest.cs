namespace GpuQos.IsolationProbes.Worker;

/// <summary>
/// One line the coordinator sends a probe worker. Version <see cref="WorkerProtocol.Version"/>; each operation
/// uses the fields its description names, and <see cref="WorkerProtocol.Validate"/> says which are missing.
/// </summary>
public sealed record WorkerRequest
{
    /// <summary>Protocol version; must equal <see cref="WorkerProtocol.Version"/>.</summary>
    public int V { get; init; }

    /// <summary>Correlates the reply.</summary>
    public long Id { get; init; }

    /// <summary>The operation (see <see cref="WorkerOps"/>); empty when the request names none.</summary>
    /// <remarks>
    /// The source-generated reader sets every init-only property, a missing one to null, whatever its
    /// initializer says: the setter keeps "no operation" empty, as <see cref="WorkerProtocol.Validate"/> expects.
    /// </remarks>
    public string Op { get; init => field = value ?? ""; } = "";

    /// <summary>Kernel for <c>measure</c> and <c>aggress</c>: fma, triad, chase, thrash, storm.</summary>
    public string? Kernel { get; init; }

    /// <summary>Elements (or bytes, for memory operations) the kernel works on.</summary>
    public long Size { get; init; }

    /// <summary>Inner iterations of the FMA chain or pointer chase.</summary>
    public int Iterations { get; init; }

    /// <summary>Warm-up runs, not reported.</summary>
    public int Warmup { get; init; }

    /// <summary>Timed runs.</summary>
    public int Repetitions { get; init; }

    /// <summary>Step of the capacity probe, in bytes.</summary>
    public long StepBytes { get; init; }

    /// <summary>The 64-bit pattern the remanence and integrity probes write.</summary>
    public long Pattern { get; init; }

    /// <summary>Bits the covert-channel sender transmits ("0110…").</summary>
    public string? Bits { get; init; }

    /// <summary>Number of bits the covert-channel receiver listens for.</summary>
    public int BitCount { get; init; }

    /// <summary>When the first covert-channel slot starts, in <see cref="System.Diagnostics.Stopwatch"/> ticks (CLOCK_MONOTONIC, shared by all processes of the host).</summary>
    public long StartTicks { get; init; }

    /// <summary>Length of one covert-channel bit slot, in nanoseconds.</summary>
    public long SlotNanoseconds { get; init; }
}
