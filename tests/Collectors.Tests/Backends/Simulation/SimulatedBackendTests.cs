using GpuQos.Backends.Simulation;
using GpuQos.Collectors.Collection;
using GpuQos.Model.Attribution;
using GpuQos.Model.Backends;
using GpuQos.Model.Devices;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Collectors.Tests.Backends.Simulation;

public sealed class SimulatedBackendTests
{
    private static ScenarioOptions Scenario(string yaml) => ScenarioLoader.Parse(yaml, "test");

    private static (SimulatedBackend Backend, FakeTimeProvider Time) Demo()
    {
        var time = new FakeTimeProvider();
        return (new SimulatedBackend(ScenarioLoader.Demo(), time), time);
    }

    [Fact]
    public void Collect_SameSeedSameSteps_GivesIdenticalSnapshots()
    {
        static IReadOnlyList<string> Run()
        {
            var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
            using var backend = new SimulatedBackend(ScenarioLoader.Demo(), time);
            var pipeline = new CollectionPipeline(backend, CollectionPipeline.DefaultCollectors, new NoAttribution(), time, new BackendErrorCounter());
            var states = new List<string>();
            foreach (var step in new[] { 0.0, 1, 1, 2.5, 10, 0.3, 30 })
            {
                time.Advance(TimeSpan.FromSeconds(step));
                var s = pipeline.Collect();
                // Durations are measured, not simulated; everything else must match.
                states.Add(System.Text.Json.JsonSerializer.Serialize(s with { Collectors = [] }));
            }

            return states;
        }

        var first = Run();
        var second = Run();
        Assert.Equal(first, second);
        Assert.Equal(first.Count, first.Distinct().Count());
    }

    [Fact]
    public void Readings_DifferentSeeds_GiveDifferentUuidsAndDemand()
    {
        var a = new SimulatedBackend(Scenario(TimeSliced(seed: 1)), new FakeTimeProvider());
        var b = new SimulatedBackend(Scenario(TimeSliced(seed: 2)), new FakeTimeProvider());
        Assert.NotEqual(a.Gpus[0].Uuid, b.Gpus[0].Uuid);
        Assert.StartsWith("GPU-", a.Gpus[0].Uuid, StringComparison.Ordinal);
    }

    [Fact]
    public void TimeSliced_Contention_SharesByWeightAndCapsByDemand()
    {
        var backend = new SimulatedBackend(Scenario("""
            gpus:
              - model: A100-SXM4-40GB
                mode: time-sliced
                workloads:
                  - {name: small, pid: 10, memory: 1GiB, demand: {kind: steady, level: 0.1, jitter: 0}}
                  - {name: big1, pid: 11, memory: 1GiB, demand: {kind: steady, level: 1, jitter: 0}}
                  - {name: big2, pid: 12, memory: 1GiB, weight: 3, demand: {kind: steady, level: 1, jitter: 0}}
            """), new FakeTimeProvider());
        var p = backend.ReadProcesses(0).ToDictionary(x => x.Pid);
        var device = backend.ReadDevice(0);

        // Three busy contexts lose 2% each beyond the first to context switches: capacity 0.96.
        Assert.Equal(0.1, p[10].SmUtilization!.Value, 6);
        Assert.Equal(0.86 * 0.25, p[11].SmUtilization!.Value, 6);
        Assert.Equal(0.86 * 0.75, p[12].SmUtilization!.Value, 6);
        Assert.Equal(0.96, device.SmUtilization!.Value, 6);
    }

    [Fact]
    public void Health_XidEvents_CountedByCodeAsTheyHappen_InTimeOrderWhateverTheFileOrder()
    {
        var time = new FakeTimeProvider();
        using var backend = new SimulatedBackend(Scenario("""
            gpus:
              - model: A100-SXM4-40GB
                mode: time-sliced
                workloads:
                  - {name: w, pid: 10, demand: {kind: steady, level: 0.5}}
                xids:
                  - {at: 5s, xid: 79}
                  - {at: 1s, xid: 79}
                  - {at: 3s, xid: 48}
            """), time);

        var seen = new List<(long Total, int? Last, string ByCode)>();
        foreach (var step in new[] { 0.5, 1.5, 2, 3.5, 6, 1 })
        {
            time.Advance(TimeSpan.FromSeconds(step));
            var h = backend.ReadHealth(0);
            seen.Add((h.XidErrorsTotal, h.LastXid, string.Join(",", h.XidErrorsByCode.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}"))));
        }

        // At 0.5, 2, 4, 7.5, 13.5 and 14.5 s.
        Assert.Equal(
            [(0, null, ""), (1, 79, "79=1"), (2, 48, "48=1,79=1"), (3, 79, "48=1,79=2"), (3, 79, "48=1,79=2"), (3, 79, "48=1,79=2")],
            seen);
    }

    [Fact]
    public void DutyCycle_LowersAThrottledProcessShare_AndOthersGetTheRest()
    {
        var time = new FakeTimeProvider();
        var backend = new SimulatedBackend(Scenario("""
            gpus:
              - model: A100-SXM4-40GB
                mode: time-sliced
                workloads:
                  - {name: victim, pid: 10, demand: {kind: steady, level: 0.6, jitter: 0}}
                  - {name: noisy, pid: 11, demand: {kind: steady, level: 1, jitter: 0}}
            """), time);
        Assert.Equal(0.49, backend.ReadProcesses(0).Single(p => p.Pid == 10).SmUtilization!.Value, 6);

        backend.SetDutyCycle(11, 0.2);
        time.Advance(TimeSpan.FromSeconds(1));
        var p = backend.ReadProcesses(0).ToDictionary(x => x.Pid);
        Assert.Equal(0.2, p[11].SmUtilization!.Value, 6);
        Assert.Equal(0.6, p[10].SmUtilization!.Value, 6);
    }

    [Fact]
    public void Control_TakesEffectAtTheSameInstant_WithoutWaitingForTimeToMove()
    {
        var backend = new SimulatedBackend(Scenario("""
            gpus:
              - model: A100-SXM4-40GB
                mode: exclusive
                workloads:
                  - {name: job, pid: 10, demand: {kind: steady, level: 0.4, jitter: 0}}
            """), new FakeTimeProvider());
        Assert.Equal(1410e6, backend.ReadDevice(0).SmClockHz);
        backend.SetLockedClocks(0, 705, 705);
        Assert.Equal(705e6, backend.ReadDevice(0).SmClockHz);
    }

    [Fact]
    public void LockedClocks_LowerClockAndRaiseTheSmTimeTheSameWorkNeeds()
    {
        var time = new FakeTimeProvider();
        var backend = new SimulatedBackend(Scenario("""
            gpus:
              - model: A100-SXM4-40GB
                mode: exclusive
                workloads:
                  - {name: job, pid: 10, demand: {kind: steady, level: 0.4, jitter: 0}}
            """), time);
        var before = backend.ReadDevice(0);
        backend.SetLockedClocks(0, 705, 705);
        time.Advance(TimeSpan.FromSeconds(1));
        var after = backend.ReadDevice(0);

        Assert.Equal(1410e6, before.SmClockHz);
        Assert.Equal(705e6, after.SmClockHz);
        Assert.Equal(0.4, before.SmUtilization!.Value, 6);
        Assert.Equal(0.8, after.SmUtilization!.Value, 6);
        Assert.True(after.PowerWatts < before.PowerWatts);
        Assert.NotNull(after.LockedClockHz);

        backend.ResetLockedClocks(0);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(backend.ReadDevice(0).LockedClockHz);
    }

    [Fact]
    public void PowerLimit_BelowDraw_CapsPowerAndFlagsSwPowerCap()
    {
        var time = new FakeTimeProvider();
        var backend = new SimulatedBackend(Scenario("""
            gpus:
              - model: A100-SXM4-40GB
                mode: exclusive
                workloads:
                  - {name: job, pid: 10, demand: {kind: steady, level: 1, jitter: 0}}
            """), time);
        backend.SetPowerLimit(0, 200_000);
        var device = backend.ReadDevice(0);
        Assert.True(device.PowerWatts <= 200.5, $"power {device.PowerWatts} W exceeds the 200 W limit");
        Assert.True(device.SmClockHz < 1410e6);
        Assert.NotEqual(0UL, backend.ReadHealth(0).ClockEventReasons!.Value & ClockEventReasons.SwPowerCap);
        Assert.Throws<GpuBackendException>(() => backend.SetPowerLimit(0, 10_000));
    }

    [Fact]
    public void Mps_ChargesClientWorkToTheServer_AndThreadPercentageCapsAClient()
    {
        var time = new FakeTimeProvider();
        var backend = new SimulatedBackend(Scenario("""
            gpus:
              - model: A100-SXM4-40GB
                mode: mps
                mpsServerPid: 100
                workloads:
                  - {name: a, pid: 10, memory: 2GiB, demand: {kind: steady, level: 0.7, jitter: 0}}
                  - {name: b, pid: 11, memory: 3GiB, demand: {kind: steady, level: 0.5, jitter: 0}}
            """), time);
        var procs = backend.ReadProcesses(0).ToDictionary(p => p.Pid);
        Assert.Null(procs[10].SmUtilization);
        Assert.Equal(3L << 30, procs[11].UsedMemoryBytes);
        Assert.Equal("nvidia-cuda-mps-server", procs[100].Name);
        Assert.Equal(1.0, procs[100].SmUtilization!.Value, 6);

        backend.SetMpsActiveThreadPercentage(0, 10, 30);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0.8, backend.ReadProcesses(0).Single(p => p.Pid == 100).SmUtilization!.Value, 6);
    }

    [Fact]
    public void Mps_DefaultThreadPercentage_ReachesOnlyClientsStartedAfterIt()
    {
        var time = new FakeTimeProvider();
        var backend = new SimulatedBackend(Scenario("""
            gpus:
              - model: A100-SXM4-40GB
                mode: mps
                mpsServerPid: 100
                workloads:
                  - {name: early, pid: 10, demand: {kind: steady, level: 0.9, jitter: 0}}
                  - {name: late, pid: 11, start: 5s, demand: {kind: steady, level: 0.9, jitter: 0}}
            """), time);
        time.Advance(TimeSpan.FromSeconds(1));
        backend.SetMpsActiveThreadPercentage(0, null, 20);
        time.Advance(TimeSpan.FromSeconds(5));

        // early keeps its old limit (none); late started after the default was set and is held to 20%.
        Assert.Equal(1.0, backend.ReadProcesses(0).Single(p => p.Pid == 100).SmUtilization!.Value, 6);
        backend.SetDutyCycle(10, 0.5);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0.7, backend.ReadProcesses(0).Single(p => p.Pid == 100).SmUtilization!.Value, 6);
    }

    [Fact]
    public void Mig_InstancesDoNotShareSms_AndReportNoDeviceOrProcessUtilization()
    {
        var backend = new SimulatedBackend(Scenario("""
            gpus:
              - model: H100-SXM5-80GB
                mode: mig
                mig:
                  - profile: 3g.40gb
                    workloads: [{name: hog, pid: 10, memory: 20GiB, demand: {kind: steady, level: 1, jitter: 0}}]
                  - profile: 3g.40gb
                    workloads: [{name: light, pid: 11, memory: 1GiB, demand: {kind: steady, level: 0.2, jitter: 0}}]
            """), new FakeTimeProvider());
        var parts = backend.ReadPartitions(0);
        Assert.Equal(["gi1-ci0", "gi2-ci0"], parts.Select(p => p.Id));
        Assert.All(parts, p => Assert.Equal(PartitionKind.Mig, p.Kind));
        Assert.Equal([0, 4], parts.Select(p => p.PlacementStart!.Value));
        Assert.Equal(1.0, parts[0].SmUtilization!.Value, 6);
        Assert.Equal(0.2, parts[1].SmUtilization!.Value, 6);
        Assert.Equal(20L << 30, parts[0].MemoryUsedBytes);
        Assert.Equal(40L << 30, parts[0].MemoryTotalBytes);
        Assert.Null(backend.ReadDevice(0).SmUtilization);
        Assert.All(backend.ReadProcesses(0), p => Assert.Null(p.SmUtilization));
        Assert.Equal("gi2-ci0", backend.ReadProcesses(0).Single(p => p.Pid == 11).PartitionId);
    }

    [Fact]
    public void Vgpu_EqualShare_CapsEachRunningVm()
    {
        var backend = new SimulatedBackend(Scenario("""
            gpus:
              - model: L40S-48GB
                mode: vgpu
                vgpu:
                  scheduler: equal-share
                  instances:
                    - {vm: a, type: L40S-12Q, framebuffer: 12GiB, demand: {kind: steady, level: 0.9, jitter: 0}}
                    - {vm: b, type: L40S-12Q, framebuffer: 12GiB, demand: {kind: steady, level: 0.1, jitter: 0}}
            """), new FakeTimeProvider());
        var parts = backend.ReadPartitions(0);
        Assert.Equal(0.5, parts[0].SmUtilization!.Value, 6);
        Assert.Equal(0.1, parts[1].SmUtilization!.Value, 6);
        Assert.Equal("a", parts[0].VmId);
        Assert.Equal(VgpuSchedulerPolicy.EqualShare, parts[0].SchedulerPolicy);
        var ex = Assert.Throws<GpuBackendException>(() => backend.SetVgpuScheduler(0, VgpuSchedulerPolicy.BestEffort, 0));
        Assert.Equal("IN_USE", ex.Code);
    }

    [Fact]
    public void Processes_AppearAndExitOnSchedule()
    {
        var time = new FakeTimeProvider();
        var backend = new SimulatedBackend(Scenario("""
            gpus:
              - model: A10-24GB
                mode: time-sliced
                workloads:
                  - {name: always, pid: 10, demand: {kind: steady, level: 0.1}}
                  - {name: job, pid: 11, start: 2s, stop: 4s, every: 10s, demand: {kind: steady, level: 0.1}}
            """), time);
        int[] Pids() => backend.ReadProcesses(0).Select(p => p.Pid).Order().ToArray();
        Assert.Equal([10], Pids());
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal([10, 11], Pids());
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal([10], Pids());
        time.Advance(TimeSpan.FromSeconds(8));
        Assert.Equal([10, 11], Pids());
        Assert.True(backend.ProcessExists(11));
    }

    [Fact]
    public void Mig_RecreatedInstance_DisappearsWithItsProcesses_AndComesBackWithANewUuid()
    {
        var time = new FakeTimeProvider();
        var backend = new SimulatedBackend(Scenario("""
            gpus:
              - model: A100-SXM4-40GB
                mode: mig
                mig:
                  - profile: 3g.20gb
                  - profile: 3g.20gb
                    lifetime: {from: 0s, until: 2s, every: 5s}
                    workloads: [{name: w, pid: 10, demand: {kind: steady, level: 0.5}}]
            """), time);
        var first = backend.ReadPartitions(0).Single(p => p.Id == "gi2-ci0").Uuid;
        Assert.Equal([10], backend.ReadProcesses(0).Select(p => p.Pid));

        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(["gi1-ci0"], backend.ReadPartitions(0).Select(p => p.Id));
        Assert.Empty(backend.ReadProcesses(0));
        Assert.False(backend.ProcessExists(10));

        time.Advance(TimeSpan.FromSeconds(3));
        var second = backend.ReadPartitions(0).Single(p => p.Id == "gi2-ci0").Uuid;
        Assert.NotEqual(first, second);
        Assert.Equal([10], backend.ReadProcesses(0).Select(p => p.Pid));
    }

    [Fact]
    public void Energy_IntegratesPowerOverTime()
    {
        var (backend, time) = Demo();
        var e0 = backend.ReadDevice(1).EnergyJoules!.Value;
        time.Advance(TimeSpan.FromSeconds(10));
        var d = backend.ReadDevice(1);
        Assert.Equal(0, e0);
        Assert.InRange(d.EnergyJoules!.Value, 10 * 60, 10 * 400);
    }

    [Fact]
    public void DemoHost_HasEveryModeTheReadmePromises()
    {
        var (backend, time) = Demo();
        time.Advance(TimeSpan.FromSeconds(30));
        var modes = backend.Gpus.Select(g => backend.ReadDevice(g.Index).Mode).ToList();
        Assert.Contains(SharingMode.Mig, modes);
        Assert.Contains(SharingMode.TimeSliced, modes);
        Assert.Contains(SharingMode.Vgpu, modes);
        Assert.Contains(SharingMode.Mps, modes);
        var mig = backend.ReadPartitions(modes.IndexOf(SharingMode.Mig));
        Assert.True(mig.Select(p => p.Profile).Distinct().Count() >= 3, "the MIG GPU should mix profiles");
        var sliced = backend.ReadProcesses(modes.IndexOf(SharingMode.TimeSliced));
        Assert.True(sliced.Count >= 3);

        // At 30 s the noisy neighbour (pid 4104) has ramped up: time-slicing hands every busy context an equal
        // slice, so search-inference (4101) falls below the 0.35 it wants and the neighbour gets as much as anyone.
        var share = sliced.ToDictionary(p => p.Pid, p => p.SmUtilization!.Value);
        Assert.True(share[4101] < 0.3, $"search-inference got {share[4101]:0.000}");
        Assert.True(share[4104] >= share.Values.Max() - 0.02, $"the noisy neighbour got {share[4104]:0.000}");
    }

    private static string TimeSliced(int seed) => $$$"""
        seed: {{{seed}}}
        gpus:
          - model: A100-SXM4-40GB
            mode: time-sliced
            workloads:
              - {name: a, pid: 10, demand: {kind: bursty, level: 0.1, peak: 0.9}}
        """;
}
