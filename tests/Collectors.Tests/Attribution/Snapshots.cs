using GpuQos.Collectors.Collection;
using GpuQos.Model.Attribution;
using GpuQos.Model.Devices;
using GpuQos.Model.Snapshots;

namespace GpuQos.Collectors.Tests.Attribution;

/// <summary>Hand-built snapshots for aggregation and exposition tests.</summary>
internal static class Snapshots
{
    public static readonly GpuIdentity Gpu = new(0, "GPU-00000000-0000-0000-0000-000000000000", "test", "00000000:01:00.0");

    public static ProcessSnapshot Process(int pid, string tenant, long memory, double? sm, PartitionReading? partition = null, string? cgroup = null) =>
        new(new ProcessReading { Pid = pid, Name = "p" + pid, PartitionId = partition?.Id ?? "whole", UsedMemoryBytes = memory, SmUtilization = sm, CgroupPath = cgroup },
            partition,
            new ProcessAttribution("", "", "", tenant));

    public static HostSnapshot Host(SharingMode mode, IReadOnlyList<PartitionSnapshot> partitions, IReadOnlyList<ProcessSnapshot> processes)
    {
        GpuSnapshot[] gpus =
        [
            new GpuSnapshot
            {
                Identity = Gpu,
                Device = new DeviceReading { Mode = mode, MemoryTotalBytes = 80L << 30, MemoryUsedBytes = 0 },
                Partitions = partitions,
                Processes = processes,
            },
        ];
        return new HostSnapshot { Timestamp = DateTimeOffset.UnixEpoch, Sequence = 1, Backend = "test", Gpus = gpus, Tenants = TenantAggregation.Aggregate(gpus), Collectors = [] };
    }
}
