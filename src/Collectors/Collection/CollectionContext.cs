using GpuQos.Model.Backends;
using GpuQos.Model.Devices;

namespace GpuQos.Collectors.Collection;

/// <summary>
/// What a collector works with during one cycle: the backend, and the per-GPU slots it fills. Errors from
/// one GPU are recorded against that GPU, so the collector moves on to the next one.
/// </summary>
public sealed class CollectionContext
{
    private readonly GpuSlot[] _slots;
    private readonly BackendErrorCounter _errors;

    internal CollectionContext(IGpuBackend backend, GpuSlot[] slots, BackendErrorCounter errors)
    {
        Backend = backend;
        _slots = slots;
        _errors = errors;
    }

    public IGpuBackend Backend { get; }

    /// <summary>Errors met by the current collector in this cycle.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>Runs <paramref name="read"/> for every GPU that is not lost, isolating failures per GPU.</summary>
    public void ForEachGpu(Action<IGpuBackend, int, GpuSlot> read)
    {
        foreach (var slot in _slots)
        {
            if (slot.Lost)
            {
                continue;
            }

            try
            {
                read(Backend, slot.Identity.Index, slot);
            }
            catch (GpuBackendException ex)
            {
                _errors.Count(ex.Function, ex.Code);
                if (ex.GpuLost)
                {
                    slot.Lost = true;
                }

                Errors.Add($"gpu {slot.Identity.Index}: {ex.Message}");
            }
        }
    }
}

/// <summary>The mutable parts of one GPU's snapshot while a cycle is being collected.</summary>
public sealed class GpuSlot(GpuIdentity identity)
{
    public GpuIdentity Identity { get; } = identity;
    public bool Lost { get; set; }
    public DeviceReading? Device { get; set; }
    public HealthReading? Health { get; set; }
    public IReadOnlyList<PartitionReading>? Partitions { get; set; }
    public IReadOnlyList<ProcessReading>? Processes { get; set; }

    internal void Clear()
    {
        Device = null;
        Health = null;
        Partitions = null;
        Processes = null;
    }
}
