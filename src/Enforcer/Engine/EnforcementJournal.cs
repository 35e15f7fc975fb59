using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Engine;

/// <summary>
/// The action journal as opened at start, or why it could not be: then nothing may act, since acting without a
/// journal could leave damage behind after a crash, and monitoring goes on.
/// </summary>
public sealed class EnforcementJournal
{
    private EnforcementJournal(string path, ActionJournal? journal, bool ephemeral, Exception? error)
    {
        Path = path;
        Journal = journal;
        Ephemeral = ephemeral;
        Error = error;
    }

    /// <summary>The journal file.</summary>
    public string Path { get; }

    /// <summary>The open journal; null when it could not be opened (<see cref="Error"/>).</summary>
    public ActionJournal? Journal { get; }

    /// <summary>
    /// This run's own journal, in the temporary directory: nothing to replay at start, removed at a clean stop
    /// (a simulated host with no journal configured: its processes die with it).
    /// </summary>
    public bool Ephemeral { get; }

    /// <summary>Why the journal did not open; null when it did.</summary>
    public Exception? Error { get; }

    /// <summary>
    /// Opens the configured journal, or, with <paramref name="ephemeral"/> and none configured, a journal of this
    /// run's own whose key need not outlive it. Never throws for a journal that cannot be opened or is not trusted.
    /// </summary>
    public static EnforcementJournal Open(EnforcementOptions options, bool ephemeral)
    {
        ArgumentNullException.ThrowIfNull(options);
        var own = options.Journal is null && ephemeral;
        var path = options.Journal ?? (own
            ? System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"gpuqos-sim-{Environment.ProcessId}-{Guid.NewGuid():N}.jsonl")
            : EnforcementOptionsDefaults.Journal);
        try
        {
            return new EnforcementJournal(path, new ActionJournal(path, own ? JournalKey.Ephemeral() : null), own, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new EnforcementJournal(path, null, own, ex);
        }
    }
}
