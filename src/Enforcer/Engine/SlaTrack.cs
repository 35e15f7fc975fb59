using GpuQos.Enforcer.Actions;
using GpuQos.Enforcer.Evaluation;
using GpuQos.Model.Devices;

namespace GpuQos.Enforcer.Engine;

/// <summary>The state machine of one <see cref="SlaKey"/>, the actions it has in force, and its last evaluation.</summary>
internal sealed class SlaTrack(SlaStateMachine machine, GpuIdentity gpu)
{
    public SlaStateMachine Machine { get; } = machine;

    /// <summary>The GPU as the latest snapshot identified it (its UUID and <c>gpu</c> label for journal and metrics).</summary>
    public GpuIdentity Gpu { get; set; } = gpu;

    public string Uuid => Gpu.Uuid;

    public List<IActiveAction> Active { get; } = [];

    public IReadOnlyList<ObjectiveResult> Results { get; set; } = [];

    /// <summary>Time each objective was met and violated, for the objectives' SLO burn rates.</summary>
    public ObjectiveClock Clock { get; } = new();

    public string? HeldBack { get; set; }

    /// <summary>The tenant's usage series on this GPU, kept so that a cycle finds it without hashing the tenant's name.</summary>
    public UsageSeries? Series { get; set; }
}
