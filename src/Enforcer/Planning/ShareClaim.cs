namespace GpuQos.Enforcer.Planning;

/// <summary>One tenant's claim on a GPU's SM time, for <see cref="ShareAllocator"/>.</summary>
/// <param name="Tenant">Tenant name.</param>
/// <param name="Demand">How much it wants (0..1).</param>
/// <param name="Floor">What it is guaranteed while it wants it (0..1).</param>
/// <param name="Weight">Its weight for what is left after the floors.</param>
public readonly record struct ShareClaim(string Tenant, double Demand, double Floor, double Weight);
