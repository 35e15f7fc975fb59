using GpuQos.Collectors.Backends;
using GpuQos.Enforcer.Journal;

namespace GpuQos.Enforcer.Engine;

/// <summary>Undo: recovery after a crash, lifting everything, and a clean stop.</summary>
public sealed partial class SlaEnforcer
{
    /// <summary>
    /// Undoes every action a previous run journaled and did not revert (it crashed, or was killed with SIGKILL):
    /// continues stopped processes whose start time still matches, restores nice values, thaws cgroups,
    /// resets clocks and restores power limits. The journal is read through <see cref="JournalReplay"/>: an
    /// untrusted journal replays nothing, and a line whose MAC does not verify is refused and logged. A
    /// completed replay is rotated and kept, not emptied. Returns how many actions were undone.
    /// </summary>
    public int Recover()
    {
        lock (_lock)
        {
            try
            {
                return RecoverLocked();
            }
            finally
            {
                PublishView();
            }
        }
    }

    private int RecoverLocked()
    {
        // The simulated host's own journal was created by this process a moment ago: nothing to replay.
        if (_journal is null || _ownJournal)
        {
            return 0;
        }

        JournalReplay replay;
        try
        {
            replay = JournalReplay.Read(_journal.Path, _trust);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var reason = ex is JournalTrustException trust ? trust.Reason : ex.Message;
            EnforcerLog.JournalRefused(_logger, _journal.Path, reason);
            _log.Add(new ActionRecord(_time.GetUtcNow(), 0, "", "", -1, "", "recover", ActionResults.Refused, "journal not replayed: " + reason));
            return 0;
        }

        foreach (var line in replay.Refused)
        {
            EnforcerLog.JournalLineRefused(_logger, _journal.Path, line);
            _log.Add(new ActionRecord(_time.GetUtcNow(), 0, "", "", -1, "", "recover", ActionResults.Refused, "journal " + line));
        }

        var outstanding = replay.Outstanding;
        var undone = 0;
        foreach (var entry in outstanding.Reverse())
        {
            var uuid = entry.Gpu >= 0 && entry.Gpu < _backend.Gpus.Count ? _backend.Gpus[entry.Gpu].Uuid : "";
            try
            {
                _reverter.Revert(entry);
                var note = CloseInJournal(entry);
                _log.Record(entry, uuid, ActionResults.Recovered, "undone at start: " + entry.Detail + note);
                undone++;
            }
            catch (Exception ex) when (ex is GpuBackendException or IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                _log.Record(entry, uuid, ActionResults.RevertFailed, ex.Message);
                EnforcerLog.ActionFailed(_logger, ex, entry.Action, entry.Id, entry.Policy, entry.Tenant, entry.Gpu);
            }
        }

        if (outstanding.Count > 0)
        {
            EnforcerLog.Recovered(_logger, undone, _journal.Path);
        }

        if (undone == outstanding.Count && replay.Entries.Count + replay.Refused.Count > 0)
        {
            // Kept, not emptied: what the previous run did, and any line refused, stay as evidence.
            try
            {
                var kept = _journal.Rotate(_time.GetUtcNow());
                EnforcerLog.JournalRotated(_logger, kept);
            }
            catch (IOException ex)
            {
                EnforcerLog.JournalRefused(_logger, _journal.Path, "cannot rotate the replayed journal: " + ex.Message);
            }
        }

        return undone;
    }

    /// <summary>Lifts every action in force (graceful stop, pause, operator request); returns how many.</summary>
    public int RevertAll(string reason)
    {
        lock (_lock)
        {
            var count = 0;
            foreach (var (key, track) in _tracks)
            {
                count += Lift(key, track, reason);
                track.Machine.Reset(_time.GetUtcNow());
            }

            if (count > 0)
            {
                EnforcerLog.RevertedAll(_logger, count, reason);
            }

            PublishView();
            return count;
        }
    }

    /// <summary>Lifts everything still in force, then releases the actuators and the journal.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            RevertAll("shutdown");
            var clean = _tracks.Values.All(t => t.Active.Count == 0);
            if (clean)
            {
                _journal?.Truncate();
            }

            _disposed = true;
            _actuators.Release();

            _journal?.Dispose();
            if (clean && _ownJournal)
            {
                File.Delete(JournalPath);
            }
        }
    }
}
