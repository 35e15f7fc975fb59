using GpuQos.Enforcer.Engine;
using GpuQos.Enforcer.Evaluation;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Tests.TestSupport;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Logging.Abstractions;

namespace GpuQos.Enforcer.Tests.Engine;

/// <summary>
/// The snapshot history is sized by the policies that read it: the enforcement hand-off keeps the store at the
/// longest objective window of the policies in force, through reloads, and the evaluation over that history is
/// the evaluation over an unbounded one. Both enforcers run dry, so neither changes the demo host they read.
/// </summary>
public sealed class HistorySizingTests
{
    private static PolicyOptions[] Policies(TimeSpan window) =>
    [
        new()
        {
            Name = "search-floor",
            Tenant = "search",
            Gpus = [1],
            For = TimeSpan.FromSeconds(5),
            Objectives = [new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MinSmShare, Share = 0.30, Window = window }],
            Actions = [new ActionOptions { Type = KnownPolicyTypes.Actions.Throttle }],
        },
        new()
        {
            Name = "bob-cap",
            Tenant = "bob",
            Gpus = [1],
            Objectives =
            [
                new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MaxSmShare, Share = 0.2, Window = window / 2 },
                new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MaxMemory, Bytes = 1L << 30, Window = window },
            ],
            Actions = [new ActionOptions { Type = KnownPolicyTypes.Actions.Priority, Nice = 5 }],
        },
    ];

    [Fact]
    public async Task Reload_LongerWindowKeepsMoreAndEvaluatesAsAnUnboundedHistory_ShorterFreesAtOnce()
    {
        using var host = new SimHost([]);
        var dir = TrustedDirectory.Create("gpuqos-history-");
        try
        {
            EnforcementOptions In(string name) => new() { Mode = EnforcementMode.DryRun, Journal = Path.Combine(dir.FullName, name) };
            var shortWindow = TimeSpan.FromSeconds(4);
            var longWindow = TimeSpan.FromSeconds(30);
            using var reference = TestEnforcer.Create(In("reference.jsonl"), Policies(shortWindow), SimHost.Factories, host.Backend, host.Time, NullLogger<SlaEnforcer>.Instance);
            using var sized = TestEnforcer.Create(In("sized.jsonl"), Policies(shortWindow), SimHost.Factories, host.Backend, host.Time, NullLogger<SlaEnforcer>.Instance);
            var everything = new SnapshotStore(600);
            var store = new SnapshotStore(600, TimeSpan.Zero);
            var handOff = new EnforcementHandOff(sized, store);

            var states = true;
            async Task<bool> TickAsync()
            {
                var snapshot = host.Tick();
                everything.Publish(snapshot);
                reference.Evaluate(snapshot, everything.Window(reference.HistoryWindow));
                store.Publish(snapshot);
                handOff.Consume(snapshot);
                await using var requests = handOff.ReadAllAsync(CancellationToken.None).GetAsyncEnumerator();
                Assert.True(await requests.MoveNextAsync());
                sized.Evaluate(requests.Current.Snapshot, requests.Current.History);
                return Same(reference, sized, states);
            }

            for (var t = 0; t < 40; t++)
            {
                Assert.True(await TickAsync(), $"tick {t}: the evaluation over the sized history differs");
            }

            // A window of 4 s at a 1 s interval reads 4 snapshots, and that is all the store keeps.
            Assert.Equal(4, store.Count);

            // During the fill the two may disagree and their state machines part; from then on every objective agrees.
            states = false;
            reference.Reconfigure(In("reference.jsonl"), Policies(longWindow));
            sized.Reconfigure(In("sized.jsonl"), Policies(longWindow));
            var differedFromShort = false;
            for (var t = 0; t < 80; t++)
            {
                var same = await TickAsync();

                // What was dropped does not come back: the longer window fills over its own length, then agrees.
                Assert.True(same || t + 4 < longWindow.TotalSeconds, $"tick {t} after the reload: the evaluation over the sized history differs");
                Assert.Equal(Math.Min(t + 4, 30), store.Count);
                var floor = Policies(longWindow)[0].Objectives[0];
                differedFromShort |= reference.Status().Single(s => s.Policy == "search-floor").Objectives[0].Value !=
                    ObjectiveEvaluator.Evaluate(floor, "search", 1, everything.Window(shortWindow), 0).Value;
            }

            Assert.True(differedFromShort, "the demo's shares never told a 30 s window from a 4 s one; the test would prove nothing");

            sized.Reconfigure(In("sized.jsonl"), Policies(TimeSpan.FromSeconds(2)));
            await TickAsync();
            Assert.Equal(2, store.Count);
            Assert.Equal(TimeSpan.FromSeconds(2), store.Retention);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    // Every objective's value and verdict, and (when asked) every policy's state.
    private static bool Same(SlaEnforcer a, SlaEnforcer b, bool states) =>
        a.Status().Select(s => (s.Policy, s.Gpu, states ? s.State : default, states ? s.Since : default, string.Join(";", s.Objectives))).SequenceEqual(
            b.Status().Select(s => (s.Policy, s.Gpu, states ? s.State : default, states ? s.Since : default, string.Join(";", s.Objectives))));
}
