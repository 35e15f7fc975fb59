namespace GpuQos.Enforcer.Engine;

/// <summary>What <see cref="HostRecovery.Resume"/> did.</summary>
/// <param name="Undone">Host actions undone (each may cover several processes).</param>
/// <param name="Errors">Actions that could not be undone, in words; the enforcer tries them again once it runs.</param>
public sealed record HostRecoveryResult(int Undone, IReadOnlyList<string> Errors);
