using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Engine;

/// <summary>What the metrics, the API and the operator controls read.</summary>
public sealed partial class SlaEnforcer
{
    /// <summary>Every (policy, tenant, GPU) tracked, in policy order, as of the enforcer's last change.</summary>
    public IReadOnlyList<SlaStatus> Status() => _view.Status;

    /// <summary>Policies that are disabled, with the reason.</summary>
    public IReadOnlyList<PolicyFailure> Failures() => _view.Failures;

    /// <summary>Every configured policy's tenant and SLO (<see cref="PolicyOptions.Slo"/>), failed ones too.</summary>
    public IReadOnlyList<(string Tenant, string Policy, double Slo)> SloTargets() => _view.SloTargets;

    /// <summary>Names of every configured policy.</summary>
    public IReadOnlyList<string> PolicyNames => _view.PolicyNames;

    /// <summary>Recent actions, newest first.</summary>
    public IReadOnlyList<ActionRecord> RecentActions() => _view.RecentActions;

    /// <summary>Actions counted by (action, policy, result) since start.</summary>
    public IReadOnlyList<KeyValuePair<(string Action, string Policy, string Result), long>> ActionCounts() => _view.ActionCounts;

    /// <summary>
    /// Publishes what readers see; called under the lock at the end of every change. The action history and
    /// counts are copied only when an action was recorded since the last view, and the policy lists only when the
    /// policies changed: a reload replaces the list, and a policy's error, once set, stays until then, so the
    /// list's identity and its number of failures say when.
    /// </summary>
    private void PublishView()
    {
        var previous = _view;
        var actionsChanged = _log.TakeChanged();
        var failed = 0;
        foreach (var p in _policies)
        {
            if (p.Error is not null)
            {
                failed++;
            }
        }

        var policiesChanged = !ReferenceEquals(_viewPolicies, _policies) || failed != _viewFailures;
        (_viewPolicies, _viewFailures) = (_policies, failed);
        _view = new EnforcerView(
            BuildStatus(),
            actionsChanged ? _log.NewestFirst() : previous.RecentActions,
            actionsChanged ? _log.Counts() : previous.ActionCounts,
            policiesChanged ? [.. _policies.Where(p => p.Error is not null).Select(p => new PolicyFailure(p.Options.Name, p.Error!))] : previous.Failures,
            policiesChanged ? [.. _policies.Select(p => (p.Options.Tenant, p.Options.Name, p.Options.Slo))] : previous.SloTargets,
            policiesChanged ? [.. _policies.Select(p => p.Options.Name)] : previous.PolicyNames);
    }

    private List<SlaStatus> BuildStatus()
    {
        // Every track of every policy, every cycle: look each policy's mode up by name rather than scanning the
        // policies per track.
        var modes = new Dictionary<string, string>(_policies.Count, StringComparer.Ordinal);
        foreach (var p in _policies)
        {
            modes.TryAdd(p.Options.Name, ModeOf(p.Options) == EnforcementMode.DryRun ? "dry-run" : "enforce");
        }

        var result = new List<SlaStatus>(_tracks.Count);
        foreach (var (key, track) in _tracks)
        {
            result.Add(new SlaStatus
            {
                Policy = key.Policy,
                Tenant = key.Tenant,
                Gpu = key.Gpu,
                GpuLabel = track.Gpu.IndexLabel,
                Uuid = track.Uuid,
                State = track.Machine.State,
                Since = track.Machine.Since,
                Mode = modes.GetValueOrDefault(key.Policy, "enforce"),
                Breaches = track.Machine.Breaches,
                BreachSeconds = track.Machine.BreachSeconds,
                Objectives = track.Results,
                ObjectiveSeconds = track.Clock.Seconds(),
                Actions = track.Active.Count == 0 ? [] : [.. track.Active.Select(a => $"{a.Type}: {a.Detail}")],
                HeldBack = track.HeldBack,
                Holds = track.Active.Count == 0 ? [] : [.. track.Active.SelectMany(a => a.Holds)],
            });
        }

        return result;
    }

    /// <inheritdoc />
    public Task PauseAsync(CancellationToken cancellationToken)
    {
        Paused = true;
        RevertAll("enforcement paused");
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ResumeAsync(CancellationToken cancellationToken)
    {
        Paused = false;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<int> RevertAllAsync(CancellationToken cancellationToken) => Task.FromResult(RevertAll("operator request"));
}
