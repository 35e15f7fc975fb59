using GpuQos.Daemon.Http;
using GpuQos.Enforcer.Workload;

namespace GpuQos.Daemon.Workload;

/// <summary>
/// The <c>workloadMetrics</c> section of <c>/api/v1/state</c>: one row per source that latency and throughput
/// objectives read, with its reads, failures and the evaluations it left unknown, and why.
/// </summary>
internal sealed class WorkloadStateSection(WorkloadReadings readings) : IStateSection
{
    public string Name => "workloadMetrics";

    public object GetState() => readings.Status().Select(s => new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["source"] = s.Source,
        ["reads"] = s.Reads,
        ["failures"] = s.Failures,
        ["lastRead"] = s.LastRead,
        ["lastError"] = s.LastError,
        ["unknown"] = s.Unknown,
        ["lastUnknown"] = s.LastUnknown,
    }).ToList();
}
