namespace GpuQos.Daemon.Http.Api;

/// <summary>The body of every API error: what went wrong, in words, and the last underlying error when one is known.</summary>
/// <param name="Error">What went wrong.</param>
/// <param name="LastError">The last underlying failure (e.g. of an audit), when one is known.</param>
public sealed record ApiError(string Error, string? LastError = null);
