using GpuQos.Model.Devices;

namespace GpuQos.Collectors.Attribution;

/// <summary>Decides which tenant owns a partition.</summary>
public static class PartitionOwnership
{
    /// <summary>
    /// A partition a selector claims (<c>migUuid</c>, <c>vm</c>) belongs to that tenant. A MIG instance or an
    /// exclusive GPU nobody claims belongs to the tenant of the processes in it when they all share one, so
    /// its SM utilization can be charged to someone. A time-sliced or MPS device is never owned.
    /// </summary>
    public static string Owner(string claimed, PartitionReading partition, ReadOnlySpan<(string PartitionId, string Tenant)> processes)
    {
        if (claimed.Length > 0 || partition.Kind is PartitionKind.Shared or PartitionKind.Vgpu)
        {
            return claimed;
        }

        string? owner = null;
        foreach (var (id, tenant) in processes)
        {
            if (id != partition.Id)
            {
                continue;
            }

            if (tenant.Length == 0 || (owner is not null && owner != tenant))
            {
                return "";
            }

            owner = tenant;
        }

        return owner ?? "";
    }
}
