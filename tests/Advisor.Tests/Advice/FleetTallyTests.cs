using GpuQos.Advisor.Advice;
using GpuQos.Advisor.Scoring;
using GpuQos.Model.Devices;
using static GpuQos.Advisor.Tests.TestSupport.Synthetic;

namespace GpuQos.Advisor.Tests.Advice;

/// <summary>
/// <c>advise --prometheus</c> adds hosts up one at a time and lets each go: the tally must end at the summary that
/// <see cref="FleetSummarizer"/> gives for all the hosts held at once.
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

        var expected = FleetSummarizer.Summarize(hosts).Summary;
        var summary = tally.Summary();
        Assert.Equal(4, summary.Hosts);
        Assert.Equal(expected.Gpus, summary.Gpus);
        Assert.Equal(expected.ChangesAdvised, summary.ChangesAdvised);
        Assert.Equal(expected.Freeable, summary.Freeable);
        Assert.Equal(expected.InsufficientIsolation, summary.InsufficientIsolation);
        // Both kinds of line, in the hosts' order: the comparison is not between two empty lists.
        Assert.Equal(2, summary.Freeable.Count);
        Assert.Equal(["weak:9450", "weak-2:9450"], summary.InsufficientIsolation.Select(l => l[..l.IndexOf(' ', StringComparison.Ordinal)]).Distinct());
    }
}
