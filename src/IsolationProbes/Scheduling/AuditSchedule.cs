using GpuQos.IsolationProbes.Audit;
using GpuQos.Model.Snapshots;

namespace GpuQos.IsolationProbes.Scheduling;

/// <summary>
/// When scheduled audits are due, and whether one may start now: inside the configured window, and only
/// while the GPUs are idle enough (read from the latest snapshot, never from the backend).
/// </summary>
public sealed class AuditSchedule(AuditOptions options)
{
    /// <summary>How long an audit that may not start yet waits before it asks again.</summary>
    public static readonly TimeSpan Postpone = TimeSpan.FromMinutes(1);

    /// <summary>The next time an audit is due after <paramref name="after"/>, or null when none is scheduled.</summary>
    public DateTimeOffset? NextDue(DateTimeOffset after)
    {
        if (options.Interval is { } interval)
        {
            return after + interval;
        }

        return options.ParsedCron()?.GetNextOccurrence(after, TimeZoneInfo.Utc);
    }

    /// <summary>Null when an audit may start now; otherwise the reason it may not.</summary>
    public string? Gate(DateTimeOffset now, HostSnapshot? snapshot)
    {
        if (options.Window is { } window && !window.Contains(now))
        {
            return $"outside the audit window {window.Start}-{window.End} UTC";
        }

        if (options.MaxGpuUtilization is { } max)
        {
            if (snapshot is null)
            {
                return "no collection cycle yet, so GPU utilization is unknown";
            }

            var busy = snapshot.Gpus.FirstOrDefault(g => g.Device?.SmUtilization > max);
            if (busy is not null)
            {
                return $"GPU {busy.Identity.Index} is at {busy.Device!.SmUtilization:P0} utilization, above the audit's maximum of {max:P0}";
            }
        }

        return null;
    }
}
