using System.Globalization;
using GpuQos.Enforcer.Engine;
using GpuQos.Enforcer.Evaluation;

namespace GpuQos.Daemon.Http;

/// <summary>
/// The <c>sla</c> section of <c>/api/v1/state</c>: one flat object per (policy, tenant, GPU), plus one per
/// failed policy (state <c>failed</c>), so <c>gpuqos status</c> can render it as a table without knowing it.
/// </summary>
internal sealed class SlaStateSection(SlaEnforcer enforcer) : IStateSection
{
    public string Name => "sla";

    public object GetState()
    {
        var rows = new List<Dictionary<string, object?>>();
        foreach (var s in enforcer.Status())
        {
            // The objective shown is the one violated, else the first: the one that explains the state.
            ObjectiveResult? o = s.Objectives.Count == 0 ? null : s.Objectives.FirstOrDefault(r => r.Violated, s.Objectives[0]);
            rows.Add(new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["policy"] = s.Policy,
                ["tenant"] = s.Tenant,
                ["gpu"] = s.Gpu,
                ["uuid"] = s.Uuid,
                ["state"] = s.State.Label(),
                ["since"] = s.Since,
                ["mode"] = s.Mode,
                ["objective"] = o?.Type,
                ["value"] = o?.Value is { } v ? Math.Round(v, 4) : null,
                ["target"] = o?.Target,
                ["objectives"] = string.Join("; ", s.Objectives.Select(Describe)),
                ["breaches"] = s.Breaches,
                ["breachSeconds"] = Math.Round(s.BreachSeconds, 1),
                ["actions"] = string.Join("; ", s.Actions),
                ["heldBack"] = s.HeldBack,
                ["holds"] = s.Holds.Select(h => new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["tenant"] = h.Tenant,
                    ["cap"] = Math.Round(h.Cap, 4),
                    ["duty"] = Math.Round(h.Duty, 4),
                    ["achieved"] = h.Achieved is { } a ? Math.Round(a, 4) : null,
                }).ToList(),
            });
        }

        foreach (var f in enforcer.Failures())
        {
            rows.Add(new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["policy"] = f.Policy,
                ["state"] = "failed",
                ["error"] = f.Error,
            });
        }

        return rows;
    }

    private static string Describe(ObjectiveResult r) =>
        string.Create(CultureInfo.InvariantCulture, $"{r.Type} {(r.Value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "unknown")}/{r.Target:0.###}{(r.Violated ? " violated" : "")}");
}
