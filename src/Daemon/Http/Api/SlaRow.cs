namespace GpuQos.Daemon.Http.Api;

/// <summary>
/// One row of the <c>sla</c> section: where a (policy, tenant, GPU) stands, or, with <see cref="State"/>
/// <c>failed</c>, a policy that could not run (then only <see cref="Policy"/> and <see cref="Error"/> are set).
/// </summary>
public sealed record SlaRow
{
    /// <summary>Policy name.</summary>
    public required string Policy { get; init; }

    /// <summary>Tenant the policy protects or limits.</summary>
    public string? Tenant { get; init; }

    /// <summary>GPU index.</summary>
    public int? Gpu { get; init; }

    /// <summary>GPU UUID.</summary>
    public string? Uuid { get; init; }

    /// <summary><c>ok</c>, <c>pending</c>, <c>breached</c>, <c>enforcing</c>, <c>recovering</c> or <c>failed</c>.</summary>
    public required string State { get; init; }

    /// <summary>When the current state began.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary><c>enforce</c> or <c>dry-run</c>.</summary>
    public string? Mode { get; init; }

    /// <summary>The objective that explains the state: the one violated, else the first.</summary>
    public string? Objective { get; init; }

    /// <summary>That objective's measured value (base units), absent when unknown.</summary>
    public double? Value { get; init; }

    /// <summary>That objective's target (base units).</summary>
    public double? Target { get; init; }

    /// <summary>Every objective, in words.</summary>
    public string? Objectives { get; init; }

    /// <summary>Breaches so far.</summary>
    public long? Breaches { get; init; }

    /// <summary>Seconds spent in breach so far.</summary>
    public double? BreachSeconds { get; init; }

    /// <summary>Actions in force, in words.</summary>
    public string? Actions { get; init; }

    /// <summary>Why a breach is not being acted on, if so.</summary>
    public string? HeldBack { get; init; }

    /// <summary>Each tenant a throttle in force holds.</summary>
    public IReadOnlyList<ThrottleHoldState>? Holds { get; init; }

    /// <summary>Why a failed policy failed.</summary>
    public string? Error { get; init; }
}
