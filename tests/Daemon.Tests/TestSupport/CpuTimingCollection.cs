namespace GpuQos.Daemon.Tests.TestSupport;

/// <summary>
/// Tests that measure CPU time or timings on pinned cores run one at a time. The enforcement loops use CPU 0
/// as their "GPU" (CPU burners pinned to it, shares read from /proc through the NVML stand-in); the probe tests
/// pin victims and aggressors to cores 0 and the last one. On a two-core machine any two of them running at
/// once are each other's noisy neighbours and miss their targets or blur the timings they assert on. They
/// also run apart from every other collection (xunit runs a collection that disables parallelization after
/// the parallel ones): a daemon or a headless browser starting beside them is load enough to push a
/// restarted daemon's resume of a stopped process past its 1 s bound.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CpuTimingCollection
{
    public const string Name = "CPU timing on pinned cores";
}
