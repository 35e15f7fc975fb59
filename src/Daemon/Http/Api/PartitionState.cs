using GpuQos.Model.Devices;

namespace GpuQos.Daemon.Http.Api;

/// <summary>A partition: its reading, the tenant that owns it (empty when none) and its kind's label.</summary>
/// <param name="Reading">What the backend reported.</param>
/// <param name="Tenant">Owning tenant, or empty.</param>
/// <param name="Kind">Kind label: <c>mig</c>, <c>vgpu</c>, <c>shared</c>, <c>exclusive</c>.</param>
public sealed record PartitionState(PartitionReading Reading, string Tenant, string Kind);
