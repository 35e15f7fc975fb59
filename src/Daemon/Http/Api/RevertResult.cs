namespace GpuQos.Daemon.Http.Api;

/// <summary>The answer to <c>POST /api/v1/actions/revert</c>.</summary>
/// <param name="Reverted">Actions reverted.</param>
public sealed record RevertResult(int Reverted);
