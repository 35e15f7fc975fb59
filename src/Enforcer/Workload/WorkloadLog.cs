using Microsoft.Extensions.Logging;

namespace GpuQos.Enforcer.Workload;

/// <summary>Source-generated log messages of the workload metrics sampler (event IDs 5100-5119).</summary>
internal static partial class WorkloadLog
{
    [LoggerMessage(EventId = 5100, Level = LogLevel.Warning, Message = "Cannot read workload metrics {Source}: {Error}; its objectives are unknown until it can be read")]
    public static partial void SourceFailed(ILogger logger, string source, string error);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Workload metrics {Source} can be read again")]
    public static partial void SourceRecovered(ILogger logger, string source);
}
