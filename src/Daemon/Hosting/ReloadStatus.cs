namespace GpuQos.Daemon.Hosting;

/// <summary>The outcome of the last configuration load (the one at start counts), for metrics and logs.</summary>
public sealed class ReloadStatus(TimeProvider time)
{
    private readonly Lock _lock = new();

    /// <summary>Whether the last load was applied.</summary>
    public bool LastSucceeded { get; private set; } = true;

    /// <summary>When the last load was attempted.</summary>
    public DateTimeOffset LastAttempt { get; private set; } = time.GetUtcNow();

    /// <summary>The errors of the last load; empty when it succeeded.</summary>
    public IReadOnlyList<string> LastErrors { get; private set; } = [];

    /// <summary>Records an attempt.</summary>
    public void Record(bool succeeded, IReadOnlyList<string> errors)
    {
        lock (_lock)
        {
            LastSucceeded = succeeded;
            LastErrors = errors;
            LastAttempt = time.GetUtcNow();
        }
    }
}
