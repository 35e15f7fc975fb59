using GpuQos.Collectors.Attribution;
using GpuQos.Model.Attribution;
using GpuQos.Model.Backends;
using GpuQos.Model.Devices;
using GpuQos.Model.Snapshots;

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
    private readonly CollectionContext _context;

    // Each process's partition and tenant, for the partition owners; reused from GPU to GPU and cycle to cycle.
    private (string PartitionId, string Tenant)[] _tenants = [];
    private long _sequence;

    public CollectionPipeline(IGpuBackend backend, IEnumerable<ICollector> collectors, IProcessAttributor attributor, TimeProvider time, BackendErrorCounter errors)
    {
        _backend = backend;
        _collectors = collectors.ToArray();
        _attributor = attributor;
        _time = time;
        Errors = errors;
        _slots = backend.Gpus.Select(g => new GpuSlot(g)).ToArray();
        _context = new CollectionContext(backend, _slots, errors);
    }

    /// <summary>The standard collectors, one per domain.</summary>
    public static IReadOnlyList<ICollector> DefaultCollectors { get; } =
        [new DeviceCollector(), new HealthCollector(), new PartitionCollector(), new ProcessCollector()];

    /// <summary>Backend errors by function and code, across all cycles.</summary>
    public BackendErrorCounter Errors { get; }

    /// <summary>Runs one collection cycle. One at a time: the slots, the context and the buffers are reused from cycle to cycle.</summary>
    public HostSnapshot Collect()
    {
        _backend.BeginCycle();
        foreach (var slot in _slots)
        {
            slot.Clear();
        }

        var context = _context;
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

        var gpus = new GpuSnapshot[_slots.Length];
        for (var i = 0; i < _slots.Length; i++)
        {
            gpus[i] = Build(_slots[i]);
        }

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

    // Plain loops rather than LINQ: this runs for every GPU every cycle, and each query would allocate its
    // enumerators, closures and a dictionary on top of the snapshot itself.
    private GpuSnapshot Build(GpuSlot slot)
    {
        var partitions = slot.Partitions ?? [];
        var readings = slot.Processes ?? [];
        var processes = new ProcessSnapshot[readings.Count];
        if (_tenants.Length < readings.Count)
        {
            _tenants = new (string, string)[readings.Count];
        }

        var tenants = _tenants.AsSpan(0, readings.Count);
        for (var i = 0; i < readings.Count; i++)
        {
            var p = readings[i];
            var partition = Find(partitions, p.PartitionId);
            processes[i] = new ProcessSnapshot(p, partition, _attributor.Attribute(slot.Identity, p, partition));
            tenants[i] = (p.PartitionId, processes[i].Attribution.Tenant);
        }

        var owned = new PartitionSnapshot[partitions.Count];
        for (var i = 0; i < partitions.Count; i++)
        {
            var p = partitions[i];
            owned[i] = new PartitionSnapshot(p, PartitionOwnership.Owner(_attributor.TenantOf(slot.Identity, p), p, tenants));
        }

        return new GpuSnapshot
        {
            Identity = slot.Identity,
            Lost = slot.Lost,
            Device = slot.Device,
            Health = slot.Health,
            Partitions = owned,
            Processes = processes,
            ProcessesRead = slot.Processes is not null,
        };
    }

    /// <summary>The partition with that ID (a GPU has a handful, so a scan beats building a dictionary).</summary>
    private static PartitionReading? Find(IReadOnlyList<PartitionReading> partitions, string id)
    {
        for (var i = 0; i < partitions.Count; i++)
        {
            if (string.Equals(partitions[i].Id, id, StringComparison.Ordinal))
            {
                return partitions[i];
            }
        }

        return null;
    }
}
