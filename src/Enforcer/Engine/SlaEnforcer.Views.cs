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
            // The exposition reads this every cycle, for every track of every policy: look each policy's mode
            // up by name rather than scanning the policies per track.
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
                    Uuid = track.Uuid,
                    State = track.Machine.State,
                    Since = track.Machine.Since,
                    Mode = modes[key.Policy],
                    Breaches = track.Machine.Breaches,
                    BreachSeconds = track.Machine.BreachSeconds,
                    Objectives = track.Results,
                    Actions = track.Active.Count == 0 ? [] : [.. track.Active.Select(a => $"{a.Type}: {a.Detail}")],
                    HeldBack = track.HeldBack,
                    Holds = track.Active.Count == 0 ? [] : [.. track.Active.SelectMany(a => a.Holds)],
                });
            }

            return result;
        }
    }

    /// <summary>
    /// Visits every (policy, tenant, GPU) tracked, under the enforcer's lock, without building a
    /// <see cref="SlaStatus"/> for each: the exposition reads every track every cycle.
    /// </summary>
    internal void ForEachTrack<TState>(TState state, Action<TState, SlaKey, SlaTrack> visit)
    {
        lock (_lock)
        {
            foreach (var (key, track) in _tracks)
            {
                visit(state, key, track);
            }
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

    /// <summary>Every configured policy's tenant and SLO (<see cref="PolicyOptions.Slo"/>), failed ones too.</summary>
    public IReadOnlyList<(string Tenant, string Policy, double Slo)> SloTargets()
    {
        lock (_lock)
        {
            return _policies.Select(p => (p.Options.Tenant, p.Options.Name, p.Options.Slo)).ToList();
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
