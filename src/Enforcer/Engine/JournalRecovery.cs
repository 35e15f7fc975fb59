using GpuQos.Model.Backends;
using GpuQos.Enforcer.Actions;
using GpuQos.Enforcer.Journal;
using Microsoft.Extensions.Logging;

namespace GpuQos.Enforcer.Engine;

/// <summary>
/// Recovery at start, once the GPU backend is up: undoes every action a previous run journaled and did not
/// revert, closes each in the journal, records it, and rotates a completed replay. Runs under the enforcer's lock.
/// </summary>
internal sealed class JournalRecovery(
    ActionJournal journal,
    JournalTrust trust,
    IGpuBackend backend,
    ActionReverter reverter,
    ActionLog log,
    Func<JournalEntry, string> close,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>Replays the journal (see <see cref="SlaEnforcer.Recover"/>); returns how many actions were undone.</summary>
    public int Run()
    {
        JournalReplay replay;
        try
        {
            replay = JournalReplay.Read(journal.Path, trust);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var reason = ex is JournalTrustException refused ? refused.Reason : ex.Message;
            EnforcerLog.JournalRefused(logger, journal.Path, reason);
            log.Add(new ActionRecord(time.GetUtcNow(), 0, "", "", -1, "", "recover", ActionResults.Refused, "journal not replayed: " + reason));
            return 0;
        }

        foreach (var line in replay.Refused)
        {
            EnforcerLog.JournalLineRefused(logger, journal.Path, line);
            log.Add(new ActionRecord(time.GetUtcNow(), 0, "", "", -1, "", "recover", ActionResults.Refused, "journal " + line));
        }

        var outstanding = replay.Outstanding;
        var undone = 0;
        foreach (var entry in outstanding.Reverse())
        {
            var uuid = entry.Gpu >= 0 && entry.Gpu < backend.Gpus.Count ? backend.Gpus[entry.Gpu].Uuid : "";
            try
            {
                reverter.Revert(entry);
                var note = close(entry);
                log.Record(entry, uuid, ActionResults.Recovered, "undone at start: " + entry.Detail + note);
                undone++;
            }
            catch (Exception ex) when (ex is GpuBackendException or IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                log.Record(entry, uuid, ActionResults.RevertFailed, ex.Message);
                EnforcerLog.ActionFailed(logger, ex, entry.Action, entry.Id, entry.Policy, entry.Tenant, entry.Gpu);
            }
        }

        if (outstanding.Count > 0)
        {
            EnforcerLog.Recovered(logger, undone, journal.Path);
        }

        if (undone == outstanding.Count && replay.Entries.Count + replay.Refused.Count > 0)
        {
            // Kept, not emptied: what the previous run did, and any line refused, stay as evidence.
            try
            {
                var kept = journal.Rotate(time.GetUtcNow());
                EnforcerLog.JournalRotated(logger, kept);
            }
            catch (IOException ex)
            {
                EnforcerLog.JournalRefused(logger, journal.Path, "cannot rotate the replayed journal: " + ex.Message);
            }
        }

        return undone;
    }
}
