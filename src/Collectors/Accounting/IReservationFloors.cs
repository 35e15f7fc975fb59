namespace GpuQos.Collectors.Accounting;

/// <summary>
/// The SM share a tenant is guaranteed on a GPU by configuration (a floor), reserved whether it is used or not.
/// The enforcer's policies know the floors; the ledger only asks.
/// </summary>
public interface IReservationFloors
{
    /// <summary>The tenant's floor on the GPU (0..1), or 0 when it has none.</summary>
    double FloorOf(string tenant, int gpu);
}

/// <summary>No floors: nothing is reserved beyond partitions.</summary>
public sealed class NoReservationFloors : IReservationFloors
{
    /// <inheritdoc />
    public double FloorOf(string tenant, int gpu) => 0;
}
