using GpuQos.Collectors.Attribution;
using GpuQos.Collectors.Backends;

namespace GpuQos.Collectors.Collection;

/// <summary>
/// Runs every collector once per cycle and assembles an immutable <see cref="HostSnapshot"/>. A collector
/// that throws loses only its own part of the snapshot and reports <c>success = 0</c>.
/// </summary>
public sealed class CollectionPipeline
{
    private readonly IGpuBackend _backend;
    private readonly ICollector[] _collectors;
    private readonly IProcessAttributor _attributor;
    private readonly TimeProvider _time;
    private readonly GpuSlot[] _slots;
    private long _sequence;

    public CollectionPipeline(IGpuBackend backend, IEnumerable<ICollector> collectors, IProcessAttributor attributor, TimeProvider time, BackendErrorCounter errors)
    {
        _backend = backend;
        _collectors = collectors.ToArray();
        _attributor = attributor;
        _time = time;
        Errors = errors;
        _slots = backend.Gpus.Select(g => new GpuSlot(g)).ToArray();
    }

    /// <summary>The standard collectors, one per domain.</summary>
    public static IReadOnlyList<ICollector> DefaultCollectors { get; } =
        [new DeviceCollector(), new HealthCollector(), new PartitionCollector(), new ProcessCollector()];

    /// <summary>Backend errors by function and code, across all cycles.</summary>
    public BackendErrorCounter Errors { get; }

    /// <summary>Runs one collection cycle.</summary>
    public HostSnapshot Collect()
    {
        foreach (var slot in _slots)
        {
            slot.Clear();
        }

        var context = new CollectionContext(_backend, _slots, Errors);
        var statuses = new CollectorStatus[_collectors.Length];
        for (var i = 0; i < _collectors.Length; i++)
        {
            var collector = _collectors[i];
            context.Errors.Clear();
            var started = _time.GetTimestamp();
            string? error = null;
            try
            {
                collector.Collect(context);
                if (context.Errors.Count > 0)
                {
                    error = string.Join("; ", context.Errors);
                }
            }
            catch (Exception ex)
            {
                error = $"{ex.GetType().Name}: {ex.Message}";
            }

            statuses[i] = new CollectorStatus(collector.Name, _time.GetElapsedTime(started), error is null, error);
        }

        var gpus = _slots.Select(Build).ToArray();
        return new HostSnapshot
        {
            Timestamp = _time.GetUtcNow(),
            Sequence = Interlocked.Increment(ref _sequence),
            Backend = _backend.Name,
            Gpus = gpus,
            Tenants = TenantAggregation.Aggregate(gpus),
            Collectors = statuses,
        };
    }

    private GpuSnapshot Build(GpuSlot slot)
    {
        var partitions = slot.Partitions ?? [];
        var byId = partitions.ToDictionary(p => p.Id, StringComparer.Ordinal);
        var processes = (slot.Processes ?? []).Select(p =>
        {
            var partition = byId.GetValueOrDefault(p.PartitionId);
            return new ProcessSnapshot(p, partition, _attributor.Attribute(slot.Identity, p, partition));
        }).ToArray();
        var tenants = processes.Select(p => (p.Reading.PartitionId, p.Attribution.Tenant)).ToArray();
        return new GpuSnapshot
        {
            Identity = slot.Identity,
            Lost = slot.Lost,
            Device = slot.Device,
            Health = slot.Health,
            Partitions = partitions.Select(p => new PartitionSnapshot(p, PartitionOwnership.Owner(_attributor.TenantOf(slot.Identity, p), p, tenants))).ToArray(),
            Processes = processes,
        };
    }
}
