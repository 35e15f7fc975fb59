namespace GpuQos.IsolationProbes.Worker;

/// <summary>A probe worker failed: it refused a request, timed out, or exited.</summary>
public sealed class ProbeWorkerException(string message) : Exception(message);
