using GpuQos.Model.Attribution;
using GpuQos.Model.Snapshots;
using GpuQos.Collectors.Collection;
using GpuQos.Model.Devices;

namespace GpuQos.Collectors.Tests.Accounting;

/// <summary>Hand-built snapshots of one A100 at a given time, for the ledger's tests.</summary>
internal static class LedgerSnapshots
{
    public static readonly GpuIdentity A100 = new(0, "GPU-a100", "NVIDIA A100-SXM4-40GB", "00000000:01:00.0");

    public static ProcessSnapshot Process(int pid, string tenant, long memory, double? sm, PartitionReading? partition = null) =>
        new(new ProcessReading { Pid = pid, Name = "p" + pid, PartitionId = partition?.Id ?? "whole", UsedMemoryBytes = memory, SmUtilization = sm },
            partition,
            new ProcessAttribution("", "", "", tenant));

    public static HostSnapshot At(double seconds, SharingMode mode, IReadOnlyList<PartitionSnapshot> partitions, IReadOnlyList<ProcessSnapshot> processes, GpuIdentity? gpu = null)
    {
        GpuSnapshot[] gpus =
        [
            new GpuSnapshot
            {
                Identity = gpu ?? A100,
                Device = new DeviceReading { Mode = mode, MemoryTotalBytes = 40L << 30, MemoryUsedBytes = 0 },
                Partitions = partitions,
                Processes = processes,
            },
        ];
        return new HostSnapshot
        {
            Timestamp = DateTimeOffset.UnixEpoch.AddSeconds(seconds),
            Sequence = (long)Math.Round(seconds * 1000) + 1,
            Backend = "test",
            Gpus = gpus,
            Tenants = TenantAggregation.Aggregate(gpus),
            Collectors = [],
        };
    }
}
