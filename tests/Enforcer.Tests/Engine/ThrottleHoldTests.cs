using GpuQos.Enforcer.Engine;
using GpuQos.Enforcer.Evaluation;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Tests.TestSupport;
using GpuQos.Model.Metrics;

namespace GpuQos.Enforcer.Tests.Engine;

/// <summary>Achieved versus asked: every tenant a throttle holds shows its cap, duty cycle and achieved share.</summary>
public sealed class ThrottleHoldTests
{
    private static readonly PolicyOptions SearchFloor = new()
    {
        Name = "search-floor",
        Tenant = "search",
        Gpus = [1],
        For = TimeSpan.FromSeconds(5),
        Objectives = [new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MinSmShare, Share = 0.30 }],
        Actions = [new ActionOptions { Type = KnownPolicyTypes.Actions.Throttle }],
    };

    [Fact]
    public void Status_ThrottleInForce_EachHeldTenantWithCapDutyAndAchievedShare()
    {
        using var host = new SimHost([SearchFloor]);
        host.Tick();
        for (var t = 0; t < 45 && host.Enforcer.Status().Single().State != SlaState.Enforcing; t++)
        {
            host.Tick();
        }

        host.Tick();
        var status = host.Enforcer.Status().Single();
        Assert.Equal(SlaState.Enforcing, status.State);
        var research = Assert.Single(status.Holds, h => h.Tenant == "research");
        Assert.InRange(research.Cap, 0.01, 0.7);
        Assert.InRange(research.Duty, 0.05, 1);

        // The achieved share is the one the snapshot measured for that tenant, not the cap echoed back.
        Assert.Equal(host.Share("research", 1), research.Achieved!.Value, 9);
        Assert.DoesNotContain(status.Holds, h => h.Tenant == "search");

        var writer = new SampleWriter();
        new EnforcementMetrics(host.Enforcer).WriteTo(writer);
        var labels = new[] { "1", status.Uuid, "research", "search-floor" };
        Assert.Equal(research.Cap, writer.Value("gpuqos_enforcement_throttle_cap_ratio", labels));
        Assert.Equal(research.Duty, writer.Value("gpuqos_enforcement_throttle_duty_ratio", labels));
        Assert.Equal(research.Achieved.Value, writer.Value("gpuqos_enforcement_throttle_achieved_ratio", labels));
    }

    [Fact]
    public void Status_NothingInForce_NoHoldsAndNoSeries()
    {
        using var host = new SimHost([SearchFloor]);
        host.Tick();
        Assert.Empty(host.Enforcer.Status().Single().Holds);
        var writer = new SampleWriter();
        new EnforcementMetrics(host.Enforcer).WriteTo(writer);
        Assert.DoesNotContain(writer.Samples, s => s.Name.StartsWith("gpuqos_enforcement_throttle_", StringComparison.Ordinal));
    }

    private sealed class SampleWriter : IMetricWriter
    {
        public List<(string Name, string[] Labels, double Value)> Samples { get; } = [];

        public void Write(MetricDefinition metric, double value, params ReadOnlySpan<string> labels) =>
            Samples.Add((metric.Name, labels.ToArray(), value));

        public double Value(string name, string[] labels) =>
            Samples.Single(s => s.Name == name && s.Labels.SequenceEqual(labels)).Value;
    }
}
