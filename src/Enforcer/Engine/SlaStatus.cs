using GpuQos.Enforcer.Evaluation;

namespace GpuQos.Enforcer.Engine;

/// <summary>Where one (policy, tenant, GPU) stands, for metrics and the API.</summary>
public sealed record SlaStatus
{
    public required string Policy { get; init; }
    public required string Tenant { get; init; }
    public required int Gpu { get; init; }

    /// <summary>The <c>gpu</c> label of the GPU's series, built once per GPU.</summary>
    internal string GpuLabel { get; init; } = "";

    public required string Uuid { get; init; }
    public required SlaState State { get; init; }
    public required DateTimeOffset Since { get; init; }
    public required string Mode { get; init; }
    public required long Breaches { get; init; }
    public required double BreachSeconds { get; init; }
    public required IReadOnlyList<ObjectiveResult> Objectives { get; init; }

    /// <summary>Seconds each objective (same order as <see cref="Objectives"/>) has been met and violated.</summary>
    public IReadOnlyList<ObjectiveSeconds> ObjectiveSeconds { get; init; } = [];

    /// <summary>Actions in force, in words.</summary>
    public required IReadOnlyList<string> Actions { get; init; }

    /// <summary>Each tenant a throttle in force holds: cap and duty cycle asked, share achieved.</summary>
    public IReadOnlyList<Actions.ThrottleHold> Holds { get; init; } = [];

    /// <summary>Why a breach is not being acted on (cooldown, limit, paused, nothing applicable), if so.</summary>
    public string? HeldBack { get; init; }
}

/// <summary>A policy that could not be built or failed while running; it is disabled and the others run.</summary>
/// <param name="Policy">Policy name.</param>
/// <param name="Error">What went wrong.</param>
public sealed record PolicyFailure(string Policy, string Error);
