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
                // The simulated host's own journal was created by this process a moment ago: nothing to replay.
                return _journal is null || _ownJournal
                    ? 0
                    : new JournalRecovery(_journal, _trust, _backend, _reverter, _log, CloseInJournal, _time, _logger).Run();
            }
            finally
            {
                PublishView();
            }
        }
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
