using GpuQos.Enforcer.Actions;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Engine;

/// <summary>A policy with its actions built by their factories, or the reason it could not be built.</summary>
internal sealed class CompiledPolicy
{
    private CompiledPolicy(PolicyOptions options, IReadOnlyList<IPolicyAction> actions, string? error)
    {
        Options = options;
        Actions = actions;
        Error = error;
    }

    public PolicyOptions Options { get; }

    public IReadOnlyList<IPolicyAction> Actions { get; }

    /// <summary>
    /// The policy's state machines by GPU index, the same tracks the enforcer keys by <see cref="SlaKey"/>: a
    /// policy changed or removed by a reload is compiled again, and its tracks are dropped with it.
    /// </summary>
    public Dictionary<int, SlaTrack> Tracks { get; } = [];

    /// <summary>Why the policy is disabled; null while it runs.</summary>
    public string? Error { get; set; }

    /// <summary>Builds a policy; a factory that is missing or throws disables this policy only.</summary>
    public static CompiledPolicy Build(PolicyOptions options, IReadOnlyDictionary<string, IActionFactory> factories)
    {
        var actions = new List<IPolicyAction>();
        for (var i = 0; i < options.Actions.Count; i++)
        {
            var a = options.Actions[i];
            if (!factories.TryGetValue(a.Type, out var factory))
            {
                return new CompiledPolicy(options, [], $"actions[{i}].type: no factory is registered for '{a.Type}'");
            }

            try
            {
                actions.Add(factory.Create(a));
            }
            catch (Exception ex)
            {
                // Whatever a factory throws disables this policy only; at start and on a reload the others run.
                return new CompiledPolicy(options, [], $"actions[{i}]: {ex.Message}");
            }
        }

        return new CompiledPolicy(options, actions, null);
    }
}
