using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Evaluation;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;
using GpuQos.Model.Backends;
using GpuQos.Model.Snapshots;

namespace GpuQos.Enforcer.Actions;

/// <summary>
/// Everything an action needs to plan and update itself for one (policy, tenant, GPU). It holds no journal and
/// no mode: an action plans, and the engine journals and applies (<see cref="Engine.ActionExecutor"/>).
/// </summary>
public sealed class ActionContext
{
    public required PolicyOptions Policy { get; init; }
    public required string Tenant { get; init; }
    public required int Gpu { get; init; }
    public required HostSnapshot Latest { get; init; }

    /// <summary>The objectives as evaluated this cycle.</summary>
    public required IReadOnlyList<ObjectiveResult> Results { get; init; }
    public required EnforcementOptions Options { get; init; }
    public required IGpuControl Control { get; init; }

    /// <summary>The MPS control daemon, where this backend has one (not the simulated host).</summary>
    public IMpsControl? Mps { get; init; }
    public required IProcessActuator Processes { get; init; }
    public required CgroupFreezer Freezer { get; init; }
    public required TimeProvider Time { get; init; }

    /// <summary>This GPU in the latest snapshot.</summary>
    public GpuSnapshot GpuSnapshot => Latest.Gpus[Gpu];

    /// <summary>The guaranteed share when a <c>min-sm-share</c> objective is violated now; null otherwise.</summary>
    public double? ViolatedFloor
    {
        get
        {
            foreach (var r in Results)
            {
                if (r.Type == KnownPolicyTypes.Objectives.MinSmShare && r.Violated)
                {
                    return r.Target;
                }
            }

            return null;
        }
    }

    /// <summary>The guaranteed share of the policy, violated or not.</summary>
    public double? Floor => Policy.Objectives.FirstOrDefault(o => o.Type == KnownPolicyTypes.Objectives.MinSmShare)?.Share;

    /// <summary>The maximum share of the policy, if it has one.</summary>
    public double? Ceiling => Policy.Objectives.FirstOrDefault(o => o.Type == KnownPolicyTypes.Objectives.MaxSmShare)?.Share;

    /// <summary>A journal entry for this context, to be completed by the action (the engine marks a dry run).</summary>
    public JournalEntry Entry(long id, string action, string detail) => new()
    {
        Op = JournalOps.Apply,
        Id = id,
        Action = action,
        At = Time.GetUtcNow(),
        Policy = Policy.Name,
        Tenant = Tenant,
        Gpu = Gpu,
        Detail = detail,
    };
}
