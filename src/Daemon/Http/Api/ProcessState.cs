using GpuQos.Model.Attribution;
using GpuQos.Model.Devices;

namespace GpuQos.Daemon.Http.Api;

/// <summary>A process: its reading and who it belongs to.</summary>
/// <param name="Reading">What the backend reported.</param>
/// <param name="Attribution">Container, pod, namespace and tenant.</param>
public sealed record ProcessState(ProcessReading Reading, ProcessAttribution Attribution);
