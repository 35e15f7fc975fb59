using GpuQos.Enforcer.Actions;
using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Engine;

/// <summary>
/// The first thing a restarted daemon does, before it builds its host or opens a GPU: it continues the
/// processes and thaws the cgroups a crashed run left stopped, straight from the journal, so they wait for
/// nothing else (NVML initialisation, the web host). It writes nothing: <see cref="SlaEnforcer.Recover"/>, once
/// the GPU backend is up, undoes the device actions (clocks, power limits…), undoes the host actions once more
/// (harmless: SIGCONT to a running process, thawing a thawed cgroup), records them and closes every entry, so
/// the journal keeps a single writer.
/// </summary>
public static class HostRecovery
{
    /// <summary>
    /// The journal a run with <paramref name="options"/> would use, or null when there is nothing to recover:
    /// on the simulated host without a configured journal each run has its own, removed at a clean stop.
    /// </summary>
    public static string? JournalOf(EnforcementOptions options, bool simulatedHost)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Journal ?? (simulatedHost ? null : EnforcementOptionsDefaults.Journal);
    }

    /// <summary>
    /// Undoes every host action (throttle, priority, freeze) the journal holds open; never throws. The journal
    /// is read through <see cref="JournalReplay"/>, as <see cref="SlaEnforcer.Recover"/> reads it: an untrusted
    /// journal replays nothing, and lines whose MAC does not verify are refused (both reported in the errors).
    /// </summary>
    /// <param name="journalPath">The crashed run's journal.</param>
    /// <param name="options">Where the cgroups are, the throttle period.</param>
    /// <param name="time">The clock the process actuator paces its signals on.</param>
    /// <param name="trust">Who may own the journal; by default root or the effective user.</param>
    public static HostRecoveryResult Resume(string journalPath, EnforcementOptions options, TimeProvider time, JournalTrust? trust = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var undone = 0;
        IReadOnlyList<JournalEntry> outstanding;
        try
        {
            var replay = JournalReplay.Read(journalPath, trust ?? JournalTrust.Host);
            errors.AddRange(replay.Refused.Select(line => $"refused journal {line}"));
            outstanding = replay.Outstanding;
        }
        catch (JournalTrustException ex)
        {
            return new HostRecoveryResult(0, [$"not replaying: {ex.Message}"]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new HostRecoveryResult(0, [$"cannot read the journal {journalPath}: {ex.Message}"]);
        }

        if (outstanding.Count == 0)
        {
            return new HostRecoveryResult(0, errors);
        }

        // Only entries a run on real processes wrote: a simulated host's processes died with it.
        using var processes = new OsProcessActuator(options.ThrottlePeriod, time, exclusions: ProcessExclusions.ForDaemon(options.ActOnMpsServer));
        var reverter = new HostReverter(new Dictionary<string, IProcessActuator> { [processes.Kind] = processes }, new CgroupFreezer(options.CgroupRoot));
        foreach (var entry in outstanding.Where(e => HostReverter.Handles(e.Action)).Reverse())
        {
            try
            {
                if (reverter.TryRevert(entry))
                {
                    undone++;
                }
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                // Left to SlaEnforcer.Recover, which tries again and records the failure.
                errors.Add($"{entry.Action} #{entry.Id}: {ex.Message}");
            }
        }

        return new HostRecoveryResult(undone, errors);
    }
}
