using GpuQos.Advisor.Advice;
using GpuQos.Advisor.Scoring;
using GpuQos.Model.Configuration;
using GpuQos.Model.Devices;
using static GpuQos.Advisor.Tests.TestSupport.Synthetic;

namespace GpuQos.Advisor.Tests.Scoring;

public sealed class AdvisorOptionsTests
{
    [Fact]
    public void Bind_UnknownKeyAndOutOfRange_ReportsEachByName()
    {
        var (_, errors) = YamlBinder.Bind<AdvisorOptions>("slaRiskWeigth: 3\nbestEffortRiskFactor: 2\n");

        Assert.Contains(errors, e => e.ToString().Contains("slaRiskWeigth", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.ToString().Contains("bestEffortRiskFactor", StringComparison.Ordinal));
    }

    [Fact]
    public void Advise_ReconfigurationWeightHigh_KeepsTheCurrentMode()
    {
        var gpu = Gpu(GpuModels.A100Sxm80, SharingMode.TimeSliced,
            Tenant("search", Demand(0.2, 0.3, 0.33), 14, breachesPerDay: 14, breachFraction: 0.03),
            Tenant("ads", Demand(0.18, 0.28, 0.32), 10, breachesPerDay: 9, breachFraction: 0.02));
        var options = YamlBinder.Load<AdvisorOptions>("reconfigurationWeight: 100\n", "weights.yaml");

        var advice = new SharingAdvisor(options).Advise(Host(gpu)).Gpus.Single();

        Assert.False(advice.Change);
        Assert.Equal(SharingMode.TimeSliced, advice.Recommended!.Candidate.Mode);
    }
}
