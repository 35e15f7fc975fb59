using GpuQos.Enforcer.Journal;

namespace GpuQos.Enforcer.Engine;

/// <summary>What the enforcer does when its journal cannot be written (disk full, file size limit).</summary>
public sealed partial class SlaEnforcer
{
    private bool _journalFailing;

    /// <summary>Journal appends that failed since start; each refused an action or left an undo unrecorded.</summary>
    public long JournalWriteErrors => _journal?.WriteErrors ?? 0;

    /// <summary>
    /// Writes the <c>revert</c> line for an action already undone. When the journal cannot take it the undo
    /// stands (the process runs, the clock is reset) and the entry stays open, so the next start undoes it once
    /// more, which is harmless; returns a note saying so, or an empty string.
    /// </summary>
    private string CloseInJournal(JournalEntry entry)
    {
        try
        {
            Journal.Append(entry with { Op = JournalOps.Revert, At = _time.GetUtcNow(), Processes = null, Cgroups = null });
            return "";
        }
        catch (JournalWriteException ex)
        {
            NoteJournalFailure(ex);
            return " (not closed in the journal, which cannot be written; the next start undoes it again)";
        }
    }

    /// <summary>Logs the first failure of a run of them; every failure is counted in <see cref="JournalWriteErrors"/>.</summary>
    private void NoteJournalFailure(JournalWriteException ex)
    {
        if (!_journalFailing)
        {
            _journalFailing = true;
            EnforcerLog.JournalFailing(_logger, ex, ex.Path);
        }
    }

    /// <summary>Logs once when appends succeed again after a failure.</summary>
    private void NoteJournalRecovered()
    {
        if (_journalFailing && _journal is { LastError: null })
        {
            _journalFailing = false;
            EnforcerLog.JournalWritable(_logger, _journal.Path, _journal.WriteErrors);
        }
    }
}
