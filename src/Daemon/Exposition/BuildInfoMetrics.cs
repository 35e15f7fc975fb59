using GpuQos.Model.Backends;
using GpuQos.Model.Metrics;

namespace GpuQos.Daemon.Exposition;

/// <summary><c>gpuqos_build_info</c>: the version and backend of the running daemon.</summary>
public sealed class BuildInfoMetrics(IGpuBackend backend) : IMetricSource
{
    public static readonly MetricDefinition BuildInfo = new("gpuqos_build_info", MetricType.Gauge, "Version and backend of the running daemon; always 1.", ["version", "backend"], "daemon");

    public IReadOnlyList<MetricDefinition> Metrics { get; } = [BuildInfo];

    public void WriteTo(IMetricWriter writer) => writer.Write(BuildInfo, 1, VersionInfo.Version, backend.Name);
}
