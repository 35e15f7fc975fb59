namespace GpuQos.Daemon.Http.Api;

/// <summary>The last reload attempt.</summary>
/// <param name="Success">False when the file was rejected and the previous configuration stayed in force.</param>
/// <param name="At">When it was tried.</param>
/// <param name="Errors">Why it was rejected.</param>
public sealed record ReloadState(bool Success, DateTimeOffset? At, IReadOnlyList<string> Errors);
