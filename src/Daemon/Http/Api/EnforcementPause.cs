namespace GpuQos.Daemon.Http.Api;

/// <summary>The answer to <c>POST /api/v1/enforcement/pause</c> and <c>/resume</c>.</summary>
/// <param name="Paused">Whether enforcement is paused now.</param>
public sealed record EnforcementPause(bool Paused);
