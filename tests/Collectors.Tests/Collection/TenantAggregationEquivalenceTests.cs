using GpuQos.Collectors.Collection;
using GpuQos.Model.Attribution;
using GpuQos.Model.Devices;
using GpuQos.Model.Snapshots;

namespace GpuQos.Collectors.Tests.Collection;

/// <summary>
/// The aggregation reuses its tables from GPU to GPU and cycle to cycle; on random hosts it must give what a
/// plain LINQ grouping of the same snapshot gives (the form it had before it stopped allocating temporaries).
/// </summary>
public sealed class TenantAggregationEquivalenceTests
{
    private static readonly string[] Tenants = ["", "a", "b", "c", "d", "e"];

    [Fact]
    public void Aggregate_RandomHosts_EqualsAPlainGrouping()
    {
        var random = new Random(20261206);
        for (var host = 0; host < 300; host++)
        {
            var gpus = Enumerable.Range(0, random.Next(1, 5)).Select(i => RandomGpu(random, i)).ToArray();

            var actual = TenantAggregation.Aggregate(gpus);

            var expected = Reference(gpus);
            Assert.Equal(expected.Count, actual.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.Equal((expected[i].Tenant, expected[i].Gpu, expected[i].MemoryUsedBytes, expected[i].Processes, expected[i].CoTenants), (actual[i].Tenant, actual[i].Gpu, actual[i].MemoryUsedBytes, actual[i].Processes, actual[i].CoTenants));
                Assert.Equal(expected[i].SmShare is null, actual[i].SmShare is null);
                Assert.Equal(expected[i].SmShare ?? 0, actual[i].SmShare ?? 0, 12);
            }
        }
    }

    private static GpuSnapshot RandomGpu(Random random, int index)
    {
        var mode = (SharingMode)random.Next(0, 5);
        var partitions = mode switch
        {
            SharingMode.Mig or SharingMode.Vgpu => Enumerable.Range(0, random.Next(1, 6)).Select(i => new PartitionSnapshot(
                new PartitionReading
                {
                    Id = $"p{i}",
                    Kind = mode == SharingMode.Mig ? PartitionKind.Mig : PartitionKind.Vgpu,
                    SmCount = random.Next(3) == 0 ? null : random.Next(8, 64),
                    MemoryUsedBytes = random.Next(3) == 0 ? null : random.Next(0, 1 << 20),
                    SmUtilization = random.Next(3) == 0 ? null : random.NextDouble(),
                },
                Tenants[random.Next(Tenants.Length)])).ToArray(),
            _ => [new PartitionSnapshot(new PartitionReading { Id = "whole", Kind = mode == SharingMode.Exclusive ? PartitionKind.Exclusive : PartitionKind.Shared }, "")],
        };
        var processes = Enumerable.Range(0, random.Next(0, 12)).Select(pid =>
        {
            var partition = partitions[random.Next(partitions.Length)].Reading;
            return new ProcessSnapshot(
                new ProcessReading { Pid = pid, Name = "p", PartitionId = partition.Id, UsedMemoryBytes = random.Next(0, 1 << 16), SmUtilization = random.Next(4) == 0 ? null : random.NextDouble() / 4 },
                random.Next(6) == 0 ? null : partition,
                new ProcessAttribution("", "", "", Tenants[random.Next(Tenants.Length)]));
        }).ToArray();
        return new GpuSnapshot
        {
            Identity = new GpuIdentity(index, $"GPU-{index}", "test", ""),
            Device = new DeviceReading { Mode = mode, MemoryTotalBytes = 1 << 30, MemoryUsedBytes = 0 },
            Partitions = partitions,
            Processes = processes,
        };
    }

    /// <summary>The aggregation as a plain grouping: sums per tenant with LINQ, co-tenants by set unions.</summary>
    private static List<TenantUsage> Reference(IReadOnlyList<GpuSnapshot> gpus)
    {
        var result = new List<TenantUsage>();
        foreach (var gpu in gpus)
        {
            var parts = new List<(string Tenant, double? Sm, long Memory, int Processes)>();
            var migSms = gpu.Partitions.Where(p => p.Reading.Kind == PartitionKind.Mig).Sum(p => p.Reading.SmCount ?? 0);
            foreach (var p in gpu.Partitions.Where(p => p.Tenant.Length > 0 && p.Reading.Kind is not (PartitionKind.Shared or PartitionKind.Exclusive)))
            {
                double? share = p.Reading.SmUtilization is { } u ? (p.Reading.Kind == PartitionKind.Mig ? u * (p.Reading.SmCount ?? 0) / Math.Max(1, migSms) : u) : null;
                var others = gpu.Processes
                    .Where(proc => proc.Partition?.Id == p.Reading.Id && proc.Attribution.Tenant.Length > 0 && proc.Attribution.Tenant != p.Tenant)
                    .Sum(proc => proc.Reading.UsedMemoryBytes);
                parts.Add((p.Tenant, share, Math.Max(0, (p.Reading.MemoryUsedBytes ?? 0) - others), 0));
            }

            foreach (var proc in gpu.Processes.Where(proc => proc.Attribution.Tenant.Length > 0))
            {
                var tenant = proc.Attribution.Tenant;
                var owned = proc.Partition is { Kind: PartitionKind.Mig or PartitionKind.Vgpu }
                    && gpu.Partitions.Any(p => p.Reading.Id == proc.Partition.Id && p.Tenant == tenant);
                var sm = gpu.Mode is SharingMode.TimeSliced or SharingMode.Exclusive ? proc.Reading.SmUtilization : null;
                parts.Add((tenant, owned ? null : sm, owned ? 0 : proc.Reading.UsedMemoryBytes, 1));
            }

            var tenantsOfPartition = gpu.Processes.Where(p => p.Attribution.Tenant.Length > 0)
                .GroupBy(p => p.Reading.PartitionId)
                .Select(g => g.Select(p => p.Attribution.Tenant).ToHashSet())
                .ToList();
            foreach (var group in parts.GroupBy(p => p.Tenant).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var sms = group.Where(p => p.Sm is not null).Select(p => p.Sm!.Value).ToList();
                var coTenants = tenantsOfPartition.Where(s => s.Contains(group.Key)).SelectMany(s => s).Distinct().Count(t => t != group.Key);
                result.Add(new TenantUsage(group.Key, gpu.Identity.Index, sms.Count == 0 ? null : sms.Sum(), group.Sum(p => p.Memory), group.Sum(p => p.Processes), coTenants));
            }
        }

        return result;
    }
}
