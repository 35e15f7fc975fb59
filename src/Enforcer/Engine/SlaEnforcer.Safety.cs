using GpuQos.Collectors.Backends;
using GpuQos.Enforcer.Journal;

namespace GpuQos.Enforcer.Engine;

/// <summary>Undo: recovery after a crash, lifting everything, and a clean stop.</summary>
public sealed partial class SlaEnforcer
{
    /// <summary>
    /// Undoes every action a previous run journaled and did not revert (it crashed, or was killed with SIGKILL):
    /// continues stopped processes whose start time still matches, restores nice values, thaws cgroups,
    /// resets clocks and restores power limits. Returns how many actions were undone.
    /// </summary>
    public int Recover()
    {
        lock (_lock)
        {
            if (_journal is null)
            {
                return 0;
            }

            var outstanding = ActionJournal.Outstanding(ActionJournal.ReadAll(_journal.Path));
            var undone = 0;
            foreach (var entry in outstanding.Reverse())
            {
                var uuid = entry.Gpu >= 0 && entry.Gpu < _backend.Gpus.Count ? _backend.Gpus[entry.Gpu].Uuid : "";
                try
                {
                    _reverter.Revert(entry);
                    var note = CloseInJournal(entry);
                    Record(entry, uuid, ActionResults.Recovered, "undone at start: " + entry.Detail + note);
                    undone++;
                }
                catch (Exception ex) when (ex is GpuBackendException or IOException or InvalidOperationException or UnauthorizedAccessException)
                {
                    Record(entry, uuid, ActionResults.RevertFailed, ex.Message);
                    EnforcerLog.ActionFailed(_logger, ex, entry.Action, entry.Id, entry.Policy, entry.Tenant, entry.Gpu);
                }
            }

            if (outstanding.Count > 0)
            {
                EnforcerLog.Recovered(_logger, undone, _journal.Path);
            }

            if (undone == outstanding.Count)
            {
                _journal.Truncate();
            }

            return undone;
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
            foreach (var actuator in _actuators.Values)
            {
                actuator.Dispose();
            }

            _journal?.Dispose();
            if (clean && _ownJournal)
            {
                File.Delete(JournalPath);
            }
        }
    }
}
