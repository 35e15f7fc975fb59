using GpuQos.Collectors.Collection;
using GpuQos.Enforcer.Evaluation;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Tests.TestSupport;
using GpuQos.Model.Attribution;
using GpuQos.Model.Devices;
using GpuQos.Model.Snapshots;

namespace GpuQos.Enforcer.Tests.Evaluation;

public sealed class ObjectiveEvaluatorTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly ObjectiveOptions Floor = new()
    {
        Type = KnownPolicyTypes.Objectives.MinSmShare,
        Share = 0.5,
        Window = TimeSpan.FromSeconds(5),
    };

    /// <summary>One cycle: the tenant at <paramref name="share"/> when the process list was read, nothing when it was not.</summary>
    private static HostSnapshot Cycle(int second, double share, bool processesRead) => new()
    {
        Timestamp = Start.AddSeconds(second),
        Sequence = second + 1,
        Backend = "test",
        Collectors = [],
        Gpus =
        [
            new GpuSnapshot
            {
                Identity = new GpuIdentity(0, "GPU-0", "NVIDIA A100-SXM4-80GB", "0000:17:00.0"),
                Device = new DeviceReading { Mode = SharingMode.TimeSliced, MemoryTotalBytes = 80L << 30, MemoryUsedBytes = 1L << 30, SmUtilization = 1.0 },
                ProcessesRead = processesRead,
            },
        ],

        // What the aggregation makes of a failed process read: the tenant has no processes, so no usage at all.
        Tenants = processesRead ? [new TenantUsage("search", 0, share, 1L << 30, 1)] : [],
    };

    [Fact]
    public void MinSmShare_LatestProcessReadFailed_StillViolatedFromTheCyclesThatWereRead()
    {
        var history = new[] { Cycle(0, 0.2, true), Cycle(1, 0.2, true), Cycle(2, 0, false) };

        var result = ObjectiveEvaluator.Evaluate(Floor, "search", 0, history, hysteresis: 0.02);

        Assert.True(result.Violated);
        Assert.False(result.Clear);
        Assert.Equal(0.2, result.Value!.Value, 6);
    }

    [Fact]
    public void MinSmShare_TenantReallyGone_NotViolatedAndClear()
    {
        // The same history, but the last read succeeded and found none of the tenant's processes.
        var gone = Cycle(2, 0, true) with { Tenants = [] };
        var history = new[] { Cycle(0, 0.2, true), Cycle(1, 0.2, true), gone };

        var result = ObjectiveEvaluator.Evaluate(Floor, "search", 0, history, hysteresis: 0.02);

        Assert.False(result.Violated);
        Assert.True(result.Clear);
    }

    [Fact]
    public void MinSmShare_NoCycleReadInTheWindow_NeitherViolatedNorClear()
    {
        var history = new[] { Cycle(0, 0, false), Cycle(1, 0, false) };

        var result = ObjectiveEvaluator.Evaluate(Floor, "search", 0, history, hysteresis: 0.02);

        Assert.False(result.Violated);
        Assert.False(result.Clear);
        Assert.Null(result.Value);
    }

    [Fact]
    public void MaxSmShare_DeviceReadFailedInEveryCycleButOne_JudgedOnTheCycleThatWasRead()
    {
        var ceiling = new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MaxSmShare, Share = 0.3, Window = TimeSpan.FromSeconds(5) };

        // A failed device reading leaves the mode, and so the tenant's share, unknown for that cycle.
        var failed = Cycle(1, 0, true) with { Gpus = [Cycle(1, 0, true).Gpus[0] with { Device = null }], Tenants = [new TenantUsage("search", 0, null, 1L << 30, 1)] };
        var history = new[] { Cycle(0, 0.6, true), failed, failed with { Timestamp = Start.AddSeconds(2) } };

        var result = ObjectiveEvaluator.Evaluate(ceiling, "search", 0, history, hysteresis: 0.02);

        Assert.True(result.Violated);
        Assert.False(result.Clear);
        Assert.Equal(0.6, result.Value!.Value, 6);
    }

    [Fact]
    public void MaxCoTenants_ASharedCycleNowInTheCompactHistory_StillCounts()
    {
        // search shared its instance with ads two cycles ago and has been alone since. By now that cycle's
        // processes are gone from the history (it keeps snapshots compact); its co-tenant count is not.
        var store = new SnapshotStore(10);
        store.Publish(WithProcesses(0, ("gi1", "search"), ("gi1", "ads")));
        store.Publish(WithProcesses(1, ("gi1", "search"), ("gi2", "ads")));
        store.Publish(WithProcesses(2, ("gi1", "search")));
        var history = store.Window(TimeSpan.FromSeconds(10));
        Assert.Empty(history[0].Gpus[0].Processes);
        var objective = new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MaxCoTenants, Count = 0, Window = TimeSpan.FromSeconds(10) };

        var result = ObjectiveEvaluator.Evaluate(objective, "search", 0, history, hysteresis: 0);
        var recentObjective = new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MaxCoTenants, Count = 0, Window = TimeSpan.FromSeconds(2) };
        var recent = ObjectiveEvaluator.Evaluate(recentObjective, "search", 0, history, hysteresis: 0);

        Assert.True(result.Violated);
        Assert.Equal(1, result.Value);
        Assert.False(recent.Violated);
        Assert.Equal(0, recent.Value);
    }

    [Fact]
    public void EvaluationHistory_SeriesIsEachSnapshotsUsage_LookedUpOncePerCycle()
    {
        var history = new[] { Cycle(0, 0.2, true), Cycle(1, 0, false), Cycle(2, 0.4, true) };
        var cycle = new EvaluationHistory(history);

        var series = cycle.SeriesOf("search", 0);

        Assert.Equal(history.Select(s => s.UsageOf("search", 0)), series.Usage.ToArray());
        Assert.Null(series.Usage[1]);
        Assert.Equal(3, cycle.Lookups);
        Assert.Same(series, cycle.SeriesOf("search", 0));
        Assert.Equal(3, cycle.Lookups);
        Assert.All(cycle.SeriesOf("ads", 0).Usage.ToArray(), Assert.Null);

        // Both overloads agree: the list one wraps the history for a single objective.
        var shared = ObjectiveEvaluator.Evaluate(Floor, "search", 0, cycle, hysteresis: 0.02);
        var single = ObjectiveEvaluator.Evaluate(Floor, "search", 0, history, hysteresis: 0.02);
        Assert.Equal(single, shared);
        Assert.Equal(0.3, shared.Value!.Value, 6);
    }

    /// <summary>A MIG GPU whose processes run in the given (instance, tenant) pairs, aggregated as the pipeline does.</summary>
    private static HostSnapshot WithProcesses(int second, params (string Partition, string Tenant)[] processes)
    {
        var gpus = new[]
        {
            new GpuSnapshot
            {
                Identity = new GpuIdentity(0, "GPU-0", "NVIDIA A100-SXM4-80GB", "0000:17:00.0"),
                Device = new DeviceReading { Mode = SharingMode.Mig, MemoryTotalBytes = 80L << 30, MemoryUsedBytes = 1L << 30 },
                Processes = [.. processes.Select((p, i) => new ProcessSnapshot(
                    new ProcessReading { Pid = 100 + i, Name = p.Tenant, PartitionId = p.Partition, UsedMemoryBytes = 1L << 20 },
                    null,
                    ProcessAttribution.Unknown with { Tenant = p.Tenant }))],
            },
        };
        return TestSnapshots.At(second, gpus, TenantAggregation.Aggregate(gpus));
    }
}
