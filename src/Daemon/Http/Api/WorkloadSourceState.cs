namespace GpuQos.Daemon.Http.Api;

/// <summary>One source that latency and throughput objectives read (<c>scrape:URL</c> or <c>prometheus:QUERY</c>).</summary>
public sealed record WorkloadSourceState
{
    /// <summary>The source as configured.</summary>
    public required string Source { get; init; }

    /// <summary>Reads that succeeded.</summary>
    public long Reads { get; init; }

    /// <summary>Reads that failed (unreachable, timed out, too large, malformed, rejected).</summary>
    public long Failures { get; init; }

    /// <summary>When the last successful read completed.</summary>
    public DateTimeOffset? LastRead { get; init; }

    /// <summary>Why the last read failed, when it did; absent after a success.</summary>
    public string? LastError { get; init; }

    /// <summary>Evaluations of objectives on this source that could be neither violated nor met.</summary>
    public long Unknown { get; init; }

    /// <summary>Why the last such evaluation was unknown.</summary>
    public string? LastUnknown { get; init; }
}
