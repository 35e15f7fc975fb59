using GpuQos.Advisor.Advice;
using GpuQos.Model.Devices;

namespace GpuQos.Advisor.Output;

/// <summary>
/// What the advice means for each tenant: where it lands, its MIG instance or MPS limits, and the SLA risk the
/// advice expects, for the operator to carry into the GpuQos tenant and policy configuration by hand.
/// </summary>
public static class TenantSuggestions
{
    public static string Write(HostAdvice host)
    {
        var tenants = new List<object>();
        foreach (var gpu in host.Gpus)
        {
            if (gpu.Recommended is not { } rec)
            {
                continue;
            }

            foreach (var a in rec.Candidate.Allocations)
            {
                var risk = rec.Tenants.First(t => t.Tenant == a.Tenant);
                var entry = new Dictionary<string, object>
                {
                    ["name"] = a.Tenant,
                    ["gpu"] = gpu.Gpu,
                    ["mode"] = rec.Candidate.Mode.Label(),
                };
                if (a.Profile is { Length: > 0 } profile)
                {
                    entry["migProfile"] = profile;
                    entry["migPlacementStart"] = a.Start ?? 0;
                }

                if (a.MpsThreadPercentage is { } pct)
                {
                    entry["mpsActiveThreadPercentage"] = pct;
                }

                if (a.MemoryLimitBytes is { } limit)
                {
                    entry["mpsPinnedMemoryLimit"] = $"{(limit + (1L << 20) - 1) >> 20}M";
                }

                entry["expectedSlaRisk"] = Math.Round(risk.Risk ?? 0, 4);
                entry["hasSla"] = risk.HasSla;
                tenants.Add(entry);
            }

            foreach (var moved in rec.Candidate.Displaced)
            {
                tenants.Add(new Dictionary<string, object> { ["name"] = moved, ["gpu"] = gpu.Gpu, ["mode"] = "move to another GPU" });
            }
        }

        return YamlText.Write(new Dictionary<string, object> { ["host"] = host.Host, ["tenants"] = tenants }, """
            Tenant placements advised by GpuQos. Carry them into the tenants and policies of gpuqos.yaml by hand;
            a tenant with expectedSlaRisk above its objective's budget needs a larger slice or fewer neighbours.
            """);
    }
}
