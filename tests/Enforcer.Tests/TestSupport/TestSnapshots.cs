using GpuQos.Model.Snapshots;

namespace GpuQos.Enforcer.Tests.TestSupport;

/// <summary>Hand-made snapshots for the evaluator's tests: one a second from a fixed start.</summary>
internal static class TestSnapshots
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The snapshot of cycle <paramref name="second"/> (sequence <paramref name="second"/> + 1).</summary>
    public static HostSnapshot At(int second, IReadOnlyList<GpuSnapshot> gpus, IReadOnlyList<TenantUsage> tenants) => new()
    {
        Timestamp = Start.AddSeconds(second),
        Sequence = second + 1,
        Backend = "test",
        Collectors = [],
        Gpus = gpus,
        Tenants = tenants,
    };
}
