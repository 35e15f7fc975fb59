namespace GpuQos.Daemon.Tests.Audit;

/// <summary>
/// Tests that start probe workers run one class at a time: on a 2-core machine, workers from parallel
/// test classes would be each other's noisy neighbours and blur the timings the tests assert on.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ProbeWorkerCollection
{
    public const string Name = "probe workers";
}
