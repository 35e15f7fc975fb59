using GpuQos.Daemon.Accounting;
using GpuQos.Daemon.Configuration;
using GpuQos.Enforcer.Policies;
using Microsoft.Extensions.Options;

namespace GpuQos.Daemon.Tests.Accounting;

/// <summary>The floors the usage ledger counts as reserved, from the configured min-sm-share objectives.</summary>
public sealed class PolicyFloorsTests
{
    [Fact]
    public void FloorOf_RandomPolicies_TheHighestMinSmShareOfTheTenantsPoliciesOnThatGpu()
    {
        var random = new Random(5);
        var tenants = new[] { "a", "b", "c", "d" };
        var policies = Enumerable.Range(0, 40).Select(i => new PolicyOptions
        {
            Name = $"p{i}",
            Tenant = tenants[random.Next(tenants.Length)],
            Gpus = random.NextDouble() < 0.3 ? [] : [.. Enumerable.Range(0, 8).Where(_ => random.NextDouble() < 0.3)],
            Objectives =
            [
                new ObjectiveOptions { Type = random.NextDouble() < 0.7 ? KnownPolicyTypes.Objectives.MinSmShare : KnownPolicyTypes.Objectives.MaxSmShare, Share = Math.Round(random.NextDouble(), 2) },
            ],
        }).ToList();
        var floors = new PolicyFloors(new Monitor(new GpuQosOptions { Policies = policies }));

        foreach (var tenant in tenants.Append("unknown"))
        {
            for (var gpu = 0; gpu < 8; gpu++)
            {
                var expected = policies
                    .Where(p => p.Tenant == tenant && (p.Gpus.Count == 0 || p.Gpus.Contains(gpu)))
                    .SelectMany(p => p.Objectives)
                    .Where(o => o.Type == KnownPolicyTypes.Objectives.MinSmShare)
                    .Select(o => o.Share!.Value)
                    .DefaultIfEmpty(0)
                    .Max();
                Assert.Equal(expected, floors.FloorOf(tenant, gpu));
            }
        }
    }

    [Fact]
    public void FloorOf_AfterAReload_AnswersFromTheNewConfiguration()
    {
        var monitor = new Monitor(Config(0.25));
        var floors = new PolicyFloors(monitor);
        Assert.Equal(0.25, floors.FloorOf("a", 3));

        monitor.CurrentValue = Config(0.5);
        Assert.Equal(0.5, floors.FloorOf("a", 3));
        monitor.CurrentValue = new GpuQosOptions();
        Assert.Equal(0, floors.FloorOf("a", 3));
    }

    private static GpuQosOptions Config(double share) => new()
    {
        Policies = [new PolicyOptions { Name = "floor", Tenant = "a", Objectives = [new ObjectiveOptions { Type = KnownPolicyTypes.Objectives.MinSmShare, Share = share }] }],
    };

    private sealed class Monitor(GpuQosOptions options) : IOptionsMonitor<GpuQosOptions>
    {
        public GpuQosOptions CurrentValue { get; set; } = options;

        public GpuQosOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<GpuQosOptions, string?> listener) => null;
    }
}
