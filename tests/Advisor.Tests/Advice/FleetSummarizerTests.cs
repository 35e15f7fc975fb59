using GpuQos.Advisor.Advice;
using GpuQos.Advisor.Evidence;
using GpuQos.Advisor.Scoring;
using GpuQos.Model.Devices;
using static GpuQos.Advisor.Tests.TestSupport.Synthetic;

namespace GpuQos.Advisor.Tests.Advice;

public sealed class FleetSummarizerTests
{
    private static FleetAdvice Summarize(params AdvisorEvidence[] hosts)
    {
        var advisor = new SharingAdvisor(new AdvisorOptions());
        return FleetSummarizer.Summarize([.. hosts.Select(h => (h, advisor.Advise(h)))]);
    }

    [Fact]
    public void Summarize_LightGpuBesideSharedGpuWithRoom_CountsItAsFreeable()
    {
        var host = Host(
            Gpu(GpuModels.A10, SharingMode.TimeSliced, Tenant("a", Demand(0.1, 0.2, 0.25), 4), Tenant("b", Demand(0.1, 0.2, 0.25), 4)),
            Gpu(GpuModels.A10, SharingMode.Exclusive, Tenant("c", Demand(0.05, 0.1, 0.15), 3)) with { Index = 1 },
            Gpu(GpuModels.A10, SharingMode.TimeSliced) with { Index = 2 });

        var summary = Summarize(host).Summary;

        Assert.Equal(2, summary.Freeable.Count);
        Assert.Contains(summary.Freeable, f => f.StartsWith("synthetic:9450 GPU 2 ", StringComparison.Ordinal) && f.Contains("no tenant", StringComparison.Ordinal));
        Assert.Contains(summary.Freeable, f => f.StartsWith("synthetic:9450 GPU 1 ", StringComparison.Ordinal) && f.Contains("fit on GPU 0", StringComparison.Ordinal));
    }

    [Fact]
    public void Summarize_BusyGpus_FreesNothing()
    {
        var host = Host(
            Gpu(GpuModels.A10, SharingMode.TimeSliced, Tenant("a", Demand(0.3, 0.45, 0.5), 4)),
            Gpu(GpuModels.A10, SharingMode.TimeSliced, Tenant("c", Demand(0.2, 0.4, 0.5), 3)) with { Index = 1 });

        Assert.Empty(Summarize(host).Summary.Freeable);
    }

    [Fact]
    public void Summarize_SlaTenantsSharingANonMigGpu_ReportsInsufficientIsolation()
    {
        // An A10 has no MIG: the SLA tenants can only share by time-slicing or MPS, both one fault domain.
        var host = Host(Gpu(GpuModels.A10, SharingMode.TimeSliced,
            Tenant("a", Demand(0.1, 0.2, 0.25), 4, breachesPerDay: 1, breachFraction: 0.001),
            Tenant("b", Demand(0.1, 0.2, 0.25), 4, breachesPerDay: 1, breachFraction: 0.001)));

        var summary = Summarize(host, host with { Host = "other:9450" }).Summary;

        Assert.Equal(2, summary.Hosts);
        Assert.Equal(2, summary.InsufficientIsolation.Count);
        Assert.All(summary.InsufficientIsolation, line => Assert.Contains("SLA tenants share it", line, StringComparison.Ordinal));
    }
}
