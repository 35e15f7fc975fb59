using GpuQos.Advisor.Advice;
using GpuQos.Advisor.Scoring;
using GpuQos.Model.Devices;
using static GpuQos.Advisor.Tests.TestSupport.Synthetic;

namespace GpuQos.Advisor.Tests.Advice;

/// <summary>
/// <c>advise --prometheus</c> adds hosts up one at a time and lets each go: the tally must count the hosts, GPUs and
/// changes, and list the freeable and weakly isolated GPUs, as the hosts themselves say.
/// </summary>
public sealed class FleetTallyTests
{
    [Fact]
    public void Summary_HostsAddedOneByOne_EqualsTheSummaryOfAllAtOnce()
    {
        var advisor = new SharingAdvisor(new AdvisorOptions());
        var freeable = Host(
            Gpu(GpuModels.A10, SharingMode.TimeSliced, Tenant("a", Demand(0.1, 0.2, 0.25), 4)),
            Gpu(GpuModels.A10, SharingMode.Exclusive, Tenant("c", Demand(0.05, 0.1, 0.15), 3)) with { Index = 1 },
            Gpu(GpuModels.A10, SharingMode.TimeSliced) with { Index = 2 }) with { Host = "free:9450" };
        var weak = Host(Gpu(GpuModels.A10, SharingMode.TimeSliced,
            Tenant("a", Demand(0.1, 0.2, 0.25), 4, breachesPerDay: 1, breachFraction: 0.001),
            Tenant("b", Demand(0.1, 0.2, 0.25), 4, breachesPerDay: 1, breachFraction: 0.001))) with { Host = "weak:9450" };
        var busy = Host(Gpu(GpuModels.A100Sxm80, SharingMode.TimeSliced, Tenant("x", Demand(0.5, 0.8, 0.9), 30))) with { Host = "busy:9450" };
        var hosts = new[] { weak, freeable, busy, weak with { Host = "weak-2:9450" } }.Select(h => (Evidence: h, Advice: advisor.Advise(h))).ToArray();

        var tally = new FleetTally();
        foreach (var (evidence, advice) in hosts)
        {
            tally.Add(evidence, advice);
        }

        // Expected figures from the hosts themselves, not from FleetTally (which FleetSummarizer.Summarize uses too).
        var summary = tally.Summary();
        Assert.Equal(4, summary.Hosts);
        Assert.Equal(hosts.Sum(h => h.Evidence.Gpus.Count), summary.Gpus);
        Assert.Equal(hosts.SelectMany(h => h.Advice.Gpus).Count(g => g.Change), summary.ChangesAdvised);
        Assert.All(summary.Freeable, l => Assert.StartsWith("free:9450 GPU ", l, StringComparison.Ordinal));
        Assert.Contains(summary.Freeable, l => l.StartsWith("free:9450 GPU 2 (", StringComparison.Ordinal) && l.EndsWith("no tenant used it in the window", StringComparison.Ordinal));

        // FleetSummarizer over the hosts held at once gives the same summary, and every host's advice in order.
        var all = FleetSummarizer.Summarize(hosts);
        Assert.Equal(summary.Freeable, all.Summary.Freeable);
        Assert.Equal(summary.InsufficientIsolation, all.Summary.InsufficientIsolation);
        Assert.Equal(hosts.Select(h => h.Advice), all.Hosts);
        // Both kinds of line, in the hosts' order: the comparison is not between two empty lists.
        Assert.Equal(2, summary.Freeable.Count);
        Assert.Equal(["weak:9450", "weak-2:9450"], summary.InsufficientIsolation.Select(l => l[..l.IndexOf(' ', StringComparison.Ordinal)]).Distinct());
    }
}
