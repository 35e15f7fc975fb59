using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Engine;

/// <summary>What the metrics, the API and the operator controls read.</summary>
public sealed partial class SlaEnforcer
{
    /// <summary>Every (policy, tenant, GPU) tracked, in policy order.</summary>
    public IReadOnlyList<SlaStatus> Status()
    {
        lock (_lock)
        {
            return _tracks.Select(kv => new SlaStatus
            {
                Policy = kv.Key.Policy,
                Tenant = kv.Key.Tenant,
                Gpu = kv.Key.Gpu,
                Uuid = kv.Value.Uuid,
                State = kv.Value.Machine.State,
                Since = kv.Value.Machine.Since,
                Mode = ModeOf(_policies.First(p => p.Options.Name == kv.Key.Policy).Options) == EnforcementMode.DryRun ? "dry-run" : "enforce",
                Breaches = kv.Value.Machine.Breaches,
                BreachSeconds = kv.Value.Machine.BreachSeconds,
                Objectives = kv.Value.Results,
                Actions = kv.Value.Active.Select(a => $"{a.Type}: {a.Detail}").ToList(),
                HeldBack = kv.Value.HeldBack,
            }).ToList();
        }
    }

    /// <summary>Policies that are disabled, with the reason.</summary>
    public IReadOnlyList<PolicyFailure> Failures()
    {
        lock (_lock)
        {
            return _policies.Where(p => p.Error is not null).Select(p => new PolicyFailure(p.Options.Name, p.Error!)).ToList();
        }
    }

    /// <summary>Names of every configured policy.</summary>
    public IReadOnlyList<string> PolicyNames
    {
        get
        {
            lock (_lock)
            {
                return _policies.Select(p => p.Options.Name).ToList();
            }
        }
    }

    /// <summary>Recent actions, newest first.</summary>
    public IReadOnlyList<ActionRecord> RecentActions()
    {
        lock (_lock)
        {
            return _recent.Reverse().ToList();
        }
    }

    /// <summary>Actions counted by (action, policy, result) since start.</summary>
    public IReadOnlyList<KeyValuePair<(string Action, string Policy, string Result), long>> ActionCounts()
    {
        lock (_lock)
        {
            return _counts.ToList();
        }
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
