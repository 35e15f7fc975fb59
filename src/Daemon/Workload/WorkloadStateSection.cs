using GpuQos.Daemon.Http;
using GpuQos.Daemon.Http.Api;
using GpuQos.Enforcer.Workload;

namespace GpuQos.Daemon.Workload;

/// <summary>
/// The <c>workloadMetrics</c> section of <c>/api/v1/state</c>: one row per source that latency and throughput
/// objectives read, with its reads, failures and the evaluations it left unknown, and why.
/// </summary>
internal sealed class WorkloadStateSection(WorkloadReadings readings) : IStateSection
{
    public StateDocument AddTo(StateDocument state) => state with
    {
        WorkloadMetrics = [.. readings.Status().Select(s => new WorkloadSourceState
        {
            Source = s.Source,
            Reads = s.Reads,
            Failures = s.Failures,
            LastRead = s.LastRead,
            LastError = s.LastError,
            Unknown = s.Unknown,
            LastUnknown = s.LastUnknown,
        })],
    };
}
