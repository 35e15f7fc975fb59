namespace GpuQos.Enforcer.Tests.TestSupport;

/// <summary>
/// Tests that pin CPU burners to one core and measure their split from /proc: they run one at a time, since
/// two of them on the same core would each see the other's burners as load.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealProcessCollection
{
    public const string Name = "real processes on one core";
}
