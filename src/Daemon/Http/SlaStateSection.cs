using System.Globalization;
using GpuQos.Daemon.Http.Api;
using GpuQos.Enforcer.Engine;
using GpuQos.Enforcer.Evaluation;

namespace GpuQos.Daemon.Http;

/// <summary>
/// The <c>sla</c> section of <c>/api/v1/state</c>: one row per (policy, tenant, GPU), plus one per failed policy
/// (state <c>failed</c>). The enforcer reports in its own types; this is the edge that maps them to the API record.
/// </summary>
internal sealed class SlaStateSection(SlaEnforcer enforcer) : IStateSection
{
    public StateDocument AddTo(StateDocument state) => state with { Sla = [.. enforcer.Status().Select(Row), .. enforcer.Failures().Select(Failed)] };

    private static SlaRow Row(SlaStatus s)
    {
        // The objective shown is the one violated, else the first: the one that explains the state.
        ObjectiveResult? o = s.Objectives.Count == 0 ? null : s.Objectives.FirstOrDefault(r => r.Violated, s.Objectives[0]);
        return new SlaRow
        {
            Policy = s.Policy,
            Tenant = s.Tenant,
            Gpu = s.Gpu,
            Uuid = s.Uuid,
            State = s.State.Label(),
            Since = s.Since,
            Mode = s.Mode,
            Objective = o?.Type,
            Value = o?.Value is { } v ? Math.Round(v, 4) : null,
            Target = o?.Target,
            Objectives = string.Join("; ", s.Objectives.Select(Describe)),
            Breaches = s.Breaches,
            BreachSeconds = Math.Round(s.BreachSeconds, 1),
            Actions = string.Join("; ", s.Actions),
            HeldBack = s.HeldBack,
            Holds = [.. s.Holds.Select(h => new ThrottleHoldState(h.Tenant, Math.Round(h.Cap, 4), Math.Round(h.Duty, 4), h.Achieved is { } a ? Math.Round(a, 4) : null))],
        };
    }

    private static SlaRow Failed(PolicyFailure f) => new() { Policy = f.Policy, State = "failed", Error = f.Error };

    private static string Describe(ObjectiveResult r) =>
        string.Create(CultureInfo.InvariantCulture, $"{r.Type} {(r.Value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "unknown")}/{r.Target:0.###}{(r.Tail is { } t ? $" ({t})" : "")}{(r.Violated ? " violated" : "")}");
}
