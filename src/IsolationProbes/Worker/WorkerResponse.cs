namespace GpuQos.IsolationProbes.Worker;

/// <summary>One line a probe worker answers with.</summary>
public sealed record WorkerResponse
{
    /// <summary>Protocol version.</summary>
    public int V { get; init; } = WorkerProtocol.Version;

    /// <summary>The request's id (0 when the request could not be read).</summary>
    public long Id { get; init; }

    /// <summary>False when the request failed; <see cref="Error"/> says why.</summary>
    public bool Ok { get; init; }

    /// <summary>What went wrong, naming the field when the request was bad.</summary>
    public string? Error { get; init; }

    /// <summary>Kernel durations, in seconds (measure).</summary>
    public IReadOnlyList<double>? TimingsSeconds { get; init; }

    /// <summary>Per-slot work counts (covert-receive).</summary>
    public IReadOnlyList<long>? Counts { get; init; }

    /// <summary>The operation's single result: bytes allocated, canary words found, mismatches, iterations.</summary>
    public long Value { get; init; }

    /// <summary>What the worker runs on (hello).</summary>
    public WorkerInfo? Info { get; init; }
}

/// <summary>What a worker reports about itself.</summary>
/// <param name="Accelerator">"cpu" or "cuda".</param>
/// <param name="Device">The accelerator's name.</param>
/// <param name="Cores">Cores the worker is bound to (CPU accelerator), empty on CUDA.</param>
/// <param name="MemoryBytes">Device memory (CUDA) or the worker's address-space budget (CPU), 0 when unbounded.</param>
/// <param name="CacheBytes">Last-level cache size used to size the thrasher.</param>
/// <param name="Note">Why the worker is not on the accelerator asked for (e.g. libcuda is missing), or null.</param>
public sealed record WorkerInfo(string Accelerator, string Device, IReadOnlyList<int> Cores, long MemoryBytes, long CacheBytes, string? Note);
