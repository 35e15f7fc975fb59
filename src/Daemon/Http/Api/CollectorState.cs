namespace GpuQos.Daemon.Http.Api;

/// <summary>How one collector fared in a cycle.</summary>
/// <param name="Name">Collector name.</param>
/// <param name="DurationSeconds">Time it took.</param>
/// <param name="Success">False when it failed; its series are absent for the cycle.</param>
/// <param name="Error">Why it failed.</param>
public sealed record CollectorState(string Name, double DurationSeconds, bool Success, string? Error);
