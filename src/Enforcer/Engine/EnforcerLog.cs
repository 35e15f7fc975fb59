using Microsoft.Extensions.Logging;

namespace GpuQos.Enforcer.Engine;

/// <summary>
/// Every enforcement decision and action as a structured event with a stable ID (5000-5099). Under systemd the
/// named placeholders become journald fields, so <c>journalctl POLICY=search-floor</c> finds a policy's story.
/// </summary>
internal static partial class EnforcerLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Enforcer started: {Policies} policies ({Failed} failed), mode {Mode}, journal {Journal}")]
    public static partial void Started(ILogger logger, int policies, int failed, string mode, string journal);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Error, Message = "Policy {Policy} failed and is disabled; the other policies keep running: {Error}")]
    public static partial void PolicyFailed(ILogger logger, string policy, string error);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "SLA {Policy} tenant {Tenant} gpu {Gpu}: {From} -> {To} ({Objectives})")]
    public static partial void StateChanged(ILogger logger, string policy, string tenant, int gpu, string from, string to, string objectives);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Action {Action} #{ActionId} for {Policy} tenant {Tenant} gpu {Gpu}: {Result}: {Detail}")]
    public static partial void ActionTaken(ILogger logger, string action, long actionId, string policy, string tenant, int gpu, string result, string detail);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Action {Action} for {Policy} tenant {Tenant} gpu {Gpu} refused: {Reason}")]
    public static partial void ActionRefused(ILogger logger, string action, string policy, string tenant, int gpu, string reason);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Error, Message = "Action {Action} #{ActionId} for {Policy} tenant {Tenant} gpu {Gpu} failed")]
    public static partial void ActionFailed(ILogger logger, Exception exception, string action, long actionId, string policy, string tenant, int gpu);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "Recovered {Count} action(s) left in force by a previous run from journal {Journal}")]
    public static partial void Recovered(ILogger logger, int count, string journal);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Information, Message = "Reverted {Count} action(s): {Reason}")]
    public static partial void RevertedAll(ILogger logger, int count, string reason);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Information, Message = "SLA {Policy} tenant {Tenant} gpu {Gpu} breached but not acting: {Reason}")]
    public static partial void HeldBack(ILogger logger, string policy, string tenant, int gpu, string reason);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Error, Message = "The action journal {Journal} cannot be written; no action is applied until it can (monitoring goes on)")]
    public static partial void JournalFailing(ILogger logger, Exception exception, string journal);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Warning, Message = "The action journal {Journal} can be written again after {Errors} failed write(s); enforcement resumes")]
    public static partial void JournalWritable(ILogger logger, string journal, long errors);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Error, Message = "Not replaying the action journal {Journal}: {Reason}")]
    public static partial void JournalRefused(ILogger logger, string journal, string reason);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Error, Message = "Refused a line of the action journal {Journal}: {Line}")]
    public static partial void JournalLineRefused(ILogger logger, string journal, string line);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Information, Message = "The replayed action journal was kept as {Kept}")]
    public static partial void JournalRotated(ILogger logger, string kept);

    [LoggerMessage(EventId = 5020, Level = LogLevel.Information, Message = "Policies reloaded: {Kept} kept, {Added} added, {Changed} changed, {Removed} removed; {Lifted} action(s) lifted")]
    public static partial void Reconfigured(ILogger logger, int kept, int added, int changed, int removed, int lifted);

    [LoggerMessage(EventId = 5021, Level = LogLevel.Error, Message = "Enforcement step for the snapshot of {Snapshot:o} failed; the loop waits for the next snapshot")]
    public static partial void StepFailed(ILogger logger, Exception exception, DateTimeOffset snapshot);
}
