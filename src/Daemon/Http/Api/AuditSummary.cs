namespace GpuQos.Daemon.Http.Api;

/// <summary>The <c>audit</c> section: whether an audit runs now, the last outcome and the next one due.</summary>
public sealed record AuditSummary
{
    /// <summary>True while an audit runs.</summary>
    public required bool Running { get; init; }

    /// <summary>The last report's outcome (<c>passed</c>, <c>violated</c>, ...).</summary>
    public string? Outcome { get; init; }

    /// <summary>When the last report's audit started.</summary>
    public DateTimeOffset? LastStarted { get; init; }

    /// <summary>When the last audit finished.</summary>
    public DateTimeOffset? LastFinished { get; init; }

    /// <summary>Why the last audit failed to produce a report.</summary>
    public string? LastError { get; init; }

    /// <summary>When the scheduler runs the next one.</summary>
    public DateTimeOffset? NextDue { get; init; }

    /// <summary>Why the scheduler postponed it, if so.</summary>
    public string? Postponed { get; init; }
}
