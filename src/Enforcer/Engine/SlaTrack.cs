using GpuQos.Enforcer.Actions;
using GpuQos.Enforcer.Evaluation;

namespace GpuQos.Enforcer.Engine;

/// <summary>The state machine of one <see cref="SlaKey"/>, the actions it has in force, and its last evaluation.</summary>
internal sealed class SlaTrack(SlaStateMachine machine, string uuid)
{
    public SlaStateMachine Machine { get; } = machine;

    public string Uuid { get; set; } = uuid;

    public List<IActiveAction> Active { get; } = [];

    public IReadOnlyList<ObjectiveResult> Results { get; set; } = [];

    public string? HeldBack { get; set; }
}
