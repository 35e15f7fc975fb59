using GpuQos.Backends.Simulation;
using GpuQos.Enforcer.Evaluation;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Tests.TestSupport;
using Xunit.Abstractions;

namespace GpuQos.Enforcer.Tests.Engine;

public sealed class SimulatedClosedLoopTests(ITestOutputHelper output)
{
    private static PolicyOptions SearchFloor(string mode = "enforce") => new()
    {
        Name = "search-floor",
        Tenant = "search",
        Gpus = [1],
        Mode = mode == "dry-run" ? EnforcementMode.DryRun : EnforcementMode.Enforce,
        For = TimeSpan.FromSeconds(5),
        Objectives = [new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MinSmShare, Share = 0.30 }],
        Actions = [new ActionOptions { Type = KnownPolicyTypes.Actions.Throttle }],
    };

    [Fact]
    public void NoisyNeighbour_Ramps_ThrottledUntilCalmThenLifted()
    {
        using var host = new SimHost([SearchFloor()]);
        DateTimeOffset? pendingAt = null, enforcingAt = null, restoredAt = null, liftedAt = null;
        var held = new List<double>();
        for (var t = 1; t <= 120; t++)
        {
            host.Tick();
            var status = host.Enforcer.Status().Single();
            var share = host.Share("search", 1);
            output.WriteLine($"t={t,3} search={share:0.000} research={host.Share("research", 1):0.000} state={status.State} {string.Join(",", status.Actions)}");
            if (enforcingAt is null && status.State == SlaState.Pending && status.Since == host.Time.GetUtcNow())
            {
                // The breach that is acted on began at the last entry into pending before enforcing.
                pendingAt = host.Time.GetUtcNow();
            }

            if (enforcingAt is null && status.State == SlaState.Enforcing)
            {
                enforcingAt = host.Time.GetUtcNow();
            }

            if (enforcingAt is not null && restoredAt is null && share >= 0.30)
            {
                restoredAt = host.Time.GetUtcNow();
            }

            if (restoredAt is not null && liftedAt is null)
            {
                held.Add(share);
            }

            if (enforcingAt is not null && liftedAt is null && status.State == SlaState.Ok)
            {
                liftedAt = host.Time.GetUtcNow();
            }
        }

        Assert.NotNull(pendingAt);
        Assert.NotNull(enforcingAt);
        Assert.NotNull(restoredAt);

        // The breach began when the objective turned pending; the share is back above the floor within for + 3 intervals.
        Assert.True(restoredAt - pendingAt <= TimeSpan.FromSeconds(5 + 3), $"restored {(restoredAt - pendingAt)?.TotalSeconds} s after the breach began");

        // While throttling, the victim holds its floor on average, and bursts of the other tenants push it under
        // by more than 2 pp only for the intervals the controllers need to see them. The victim is held at
        // floor + hysteresis (0.32), with no margin taken from the neighbours beyond it, so each burst of a
        // neighbour under its cap (the notebook's, every 4 s) shows for an interval or two.
        Assert.True(held.Average() >= 0.30, $"search averaged {held.Average():0.000} while throttling");
        var under = held.Count(s => s < 0.28);
        Assert.True(under <= held.Count / 8, $"search was under 0.28 in {under} of {held.Count} intervals while throttling");
        var run = 0;
        var longest = 0;
        foreach (var s in held)
        {
            run = s < 0.28 ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        Assert.True(longest <= 3, $"search was under 0.28 for {longest} intervals in a row");

        // The neighbour calms down at 85 s; the throttle is lifted after that, and not before.
        Assert.NotNull(liftedAt);
        var calm = host.Time.GetUtcNow() - TimeSpan.FromSeconds(120 - 85);
        Assert.True(liftedAt > calm, $"lifted at {liftedAt} before the neighbour calmed at {calm}");
        Assert.Contains(host.Enforcer.RecentActions(), a => a.Action == "throttle" && a.Result == "reverted");
        Assert.Empty(host.Enforcer.Status().Single().Actions);
    }

    [Fact]
    public void VictimExits_NeighbourStillBusy_ThrottleLiftedAfterFor()
    {
        var scenario = ScenarioLoader.Parse("""
            seed: 1
            gpus:
              - model: A100-SXM4-80GB
                mode: time-sliced
                workloads:
                  - {name: victim, pid: 100, user: search, demand: {kind: steady, level: 0.5}, stop: 40s}
                  - {name: hog-a, pid: 200, user: research, demand: {kind: steady, level: 0.95}}
                  - {name: hog-b, pid: 201, user: ads, demand: {kind: steady, level: 0.95}}
            """, "test");
        var policy = new PolicyOptions
        {
            Name = "search-floor",
            Tenant = "search",
            Gpus = [0],
            For = TimeSpan.FromSeconds(5),
            Objectives = [new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MinSmShare, Share = 0.45 }],
            Actions = [new ActionOptions { Type = KnownPolicyTypes.Actions.Throttle }],
        };
        using var host = new SimHost([policy], scenario: scenario);
        for (var t = 1; t <= 30; t++)
        {
            host.Tick();
        }

        Assert.Equal(SlaState.Enforcing, host.Enforcer.Status().Single().State);
        Assert.True(host.Share("search", 0) >= 0.43, $"search has {host.Share("search", 0):0.000}");

        // The victim exits at 40 s; its reservation is lent back within for + a few intervals.
        for (var t = 31; t <= 55; t++)
        {
            host.Tick();
        }

        Assert.Equal(SlaState.Ok, host.Enforcer.Status().Single().State);
        Assert.Empty(host.Enforcer.Status().Single().Actions);
        Assert.True(host.Share("research", 0) > 0.4, $"research has {host.Share("research", 0):0.000} after the victim left");
    }
}
