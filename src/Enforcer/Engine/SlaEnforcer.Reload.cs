using GpuQos.Enforcer.Policies;
using GpuQos.Model.Configuration;

namespace GpuQos.Enforcer.Engine;

/// <summary>A reloaded configuration: the policy diff.</summary>
public sealed partial class SlaEnforcer
{
    /// <summary>
    /// Applies a reloaded configuration, under the same lock as <see cref="Evaluate"/>, so it falls between two
    /// evaluations. A policy whose settings and effective mode are unchanged keeps its state machines and the
    /// actions it has in force. A policy that was removed, or changed in any way (tenant, objectives, actions,
    /// mode, or the global mode it follows), first lifts its actions (journaled, as at a graceful stop) and
    /// drops its state; when it is still configured it starts again in ok. A new policy starts in ok; one that
    /// cannot be built is disabled alone. Settings read once at start (journal, throttle period, cgroup root)
    /// keep their start values.
    /// </summary>
    /// <param name="options">The new global settings.</param>
    /// <param name="policies">The new policies; names are unique (the configuration loader checks).</param>
    /// <returns>Which policies were kept, added, changed and removed, and how many actions were lifted.</returns>
    public PolicyDiff Reconfigure(EnforcementOptions options, IReadOnlyList<PolicyOptions> policies)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(policies);
        lock (_lock)
        {
            if (_disposed)
            {
                // The daemon is stopping and everything was lifted; there is nothing to reconfigure.
                return PolicyDiff.Empty;
            }

            var current = new Dictionary<string, CompiledPolicy>(StringComparer.Ordinal);
            foreach (var p in _policies)
            {
                current.TryAdd(p.Options.Name, p);
            }

            var next = new List<CompiledPolicy>(policies.Count);
            var (kept, added, changed) = (new List<string>(), new List<string>(), new List<string>());
            foreach (var p in policies)
            {
                if (current.Remove(p.Name, out var old) && Same(old.Options, _options, p, options))
                {
                    next.Add(old);
                    kept.Add(p.Name);
                    continue;
                }

                (old is null ? added : changed).Add(p.Name);
                next.Add(Compile(p));
            }

            var removed = current.Keys.ToList();
            var lifted = 0;
            foreach (var name in changed)
            {
                lifted += Drop(name, "policy changed by a configuration reload");
            }

            foreach (var name in removed)
            {
                lifted += Drop(name, "policy removed by a configuration reload");
            }

            _options = options;
            _policies = next;
            HistoryWindow = WindowOf(next);
            var diff = new PolicyDiff(kept, added, changed, removed, lifted);
            EnforcerLog.Reconfigured(_logger, kept.Count, added.Count, changed.Count, removed.Count, lifted);
            PublishView();
            return diff;
        }
    }

    // Two policies are the same when every setting is and they run in the same mode.
    private static bool Same(PolicyOptions a, EnforcementOptions aGlobal, PolicyOptions b, EnforcementOptions bGlobal) =>
        (a.Mode ?? aGlobal.Mode) == (b.Mode ?? bGlobal.Mode)
        && SettingsEquality.Same(a, b);

    private static TimeSpan WindowOf(IEnumerable<CompiledPolicy> policies) =>
        policies.SelectMany(p => p.Options.Objectives).Select(o => o.Window).DefaultIfEmpty(TimeSpan.Zero).Max();

    private CompiledPolicy Compile(PolicyOptions options)
    {
        var policy = CompiledPolicy.Build(options, _factories);
        policy.Error ??= _journalError;
        if (policy.Error is { } error)
        {
            EnforcerLog.PolicyFailed(_logger, options.Name, error);
        }

        return policy;
    }

    // Lifts what the policy has in force on every GPU and forgets its state machines.
    private int Drop(string policy, string reason)
    {
        var lifted = 0;
        foreach (var key in _tracks.Keys.Where(k => k.Policy == policy).ToList())
        {
            lifted += Lift(key, _tracks[key], reason);
            _tracks.Remove(key);
        }

        return lifted;
    }
}
