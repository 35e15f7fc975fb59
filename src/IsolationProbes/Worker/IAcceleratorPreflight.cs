using GpuQos.IsolationProbes.Audit;
using GpuQos.IsolationProbes.Kernels;

namespace GpuQos.IsolationProbes.Worker;

/// <summary>Checks that probe kernels can run in a partition before an audit places its workers there.</summary>
public interface IAcceleratorPreflight
{
    /// <summary>What a worker bound to <paramref name="partition"/> found; never throws for a device that cannot run the probes.</summary>
    Task<ProbeReadiness> CheckAsync(AuditPartition partition, CancellationToken ct);
}
