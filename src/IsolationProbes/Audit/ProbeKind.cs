namespace GpuQos.IsolationProbes.Audit;

/// <summary>The isolation probes an audit can run (the <c>probe</c> label).</summary>
public enum ProbeKind
{
    /// <summary>FMA-chain victim beside an FMA aggressor: do tenants share compute units?</summary>
    Compute,

    /// <summary>STREAM-triad victim beside a triad aggressor: do tenants share memory bandwidth?</summary>
    Bandwidth,

    /// <summary>Pointer-chase victim (working set in cache) beside a cache thrasher: do tenants share the cache?</summary>
    Cache,

    /// <summary>Allocate in steps until allocation fails: is a partition's memory bounded where it should be?</summary>
    Capacity,

    /// <summary>A canary written and freed by one tenant, searched for by the next: is freed memory scrubbed?</summary>
    Remanence,

    /// <summary>The victim checksums its memory under an aggressor's write storm: can a neighbour corrupt it?</summary>
    Integrity,

    /// <summary>A sender modulates contention bit by bit and a receiver decodes its own timings: is there a covert channel?</summary>
    Covert,
}
