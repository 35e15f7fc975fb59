using GpuQos.Backends.Nvml.Interop;
using GpuQos.Model.Backends;
using GpuQos.Model.Devices;

namespace GpuQos.Backends.Nvml;

/// <summary>
/// One physical GPU: its handle (resolved once), what it does not support (asked once), and the bookkeeping
/// that spans intervals (MIG topology, GPM samples, utilization timestamps).
/// </summary>
internal sealed class NvmlGpu(int index, nint handle)
{
    private readonly HashSet<string> _unavailable = new(StringComparer.Ordinal);

    // The last code of every optional or required call, by the key it is remembered under, for gpuqos doctor.
    private readonly Dictionary<string, NvmlReturn> _results = new(StringComparer.Ordinal);

    public int Index { get; } = index;
    public nint Handle { get; } = handle;
    public GpuIdentity Identity { get; set; } = null!;
    public GpuModel? Model { get; set; }
    public bool Lost { get; private set; }

    /// <summary>The clock range this backend locked, since NVML has no call that reads it back.</summary>
    public (uint MinMhz, uint MaxMhz)? LockedClocks { get; set; }

    /// <summary>MIG devices keyed by (GPU instance, compute instance), in MIG device index order.</summary>
    public IReadOnlyList<MigInstance> MigInstances { get; set; } = [];
    public string MigTopologyKey { get; set; } = "";
    public bool? MigEnabled { get; set; }

    /// <summary>GPM sample buffers and the last value per GPU instance, for SM and DRAM utilization.</summary>
    public Dictionary<uint, GpmState> Gpm { get; } = [];

    /// <summary>Newest process-utilization sample seen, passed back as <c>lastSeenTimeStamp</c>.</summary>
    public ulong ProcessLastSeen { get; set; }
    public Dictionary<int, ProcessUtilization> ProcessUtilization { get; } = [];

    /// <summary>What this collection cycle's reads of the GPU have in common (see <see cref="NvmlBackend.BeginCycle"/>).</summary>
    public CycleReads Cycle { get; } = new();

    /// <summary>Scratch tables for reading process utilization, reused from cycle to cycle.</summary>
    public ProcessSampleScratch ProcessSamples { get; } = new();

    /// <summary>Names of the processes on the GPU, kept while they stay on it.</summary>
    public ProcessNameCache ProcessNames { get; } = new();

    /// <summary>Newest vGPU utilization sample seen, and the last values per vGPU instance.</summary>
    public ulong VgpuLastSeen { get; set; }
    public Dictionary<uint, ProcessUtilization> VgpuUtilization { get; } = [];

    /// <summary>The last code each NVML call on this GPU returned, by function (and, where one function serves several values, its key).</summary>
    public IReadOnlyList<KeyValuePair<string, NvmlReturn>> Results() => [.. _results.OrderBy(r => r.Key, StringComparer.Ordinal)];

    /// <summary>Forgets which calls were unavailable, after a mode change made them worth asking again.</summary>
    public void ForgetUnavailable() => _unavailable.Clear();

    /// <summary>Whether <paramref name="function"/> is known not to be available on this GPU.</summary>
    public bool Skips(string function) => Lost || _unavailable.Contains(function);

    /// <summary>
    /// Interprets an optional read: true on success; false on NOT_SUPPORTED, remembered so the call is not
    /// repeated. NO_PERMISSION is remembered the same way but still raised once so that it is counted.
    /// Every other code is raised as <see cref="GpuBackendException"/>; GPU_IS_LOST also marks the GPU lost.
    /// </summary>
    /// <param name="function">The NVML function, as errors name it.</param>
    /// <param name="code">What it returned.</param>
    /// <param name="key">What to remember as unavailable when one function serves several values; defaults to the function.</param>
    public bool Optional(string function, NvmlReturn code, string? key = null)
    {
        _results[key ?? function] = code;
        switch (code)
        {
            case NvmlReturn.Success:
                return true;
            case NvmlReturn.NotSupported:
                _unavailable.Add(key ?? function);
                return false;
            case NvmlReturn.NoPermission:
                _unavailable.Add(key ?? function);
                throw Error(function, code);
            default:
                throw Error(function, code);
        }
    }

    /// <summary>A call that must succeed.</summary>
    public void Require(string function, NvmlReturn code)
    {
        _results[function] = code;
        if (code != NvmlReturn.Success)
        {
            throw Error(function, code);
        }
    }

    /// <summary>Throws GPU_IS_LOST without calling NVML once the GPU is known to be lost.</summary>
    public void ThrowIfLost(string function)
    {
        if (Lost)
        {
            throw new GpuBackendException(function, NvmlReturn.GpuIsLost.Name(), Index, $"GPU {Index} has fallen off the bus; it is no longer read");
        }
    }

    public GpuBackendException Error(string function, NvmlReturn code)
    {
        _results[function] = code;
        if (code == NvmlReturn.GpuIsLost)
        {
            Lost = true;
        }

        return NvmlErrors.Exception(function, code, Index);
    }
}

/// <summary>What reading process-utilization samples needs each cycle, kept so that a cycle allocates none of it.</summary>
internal sealed class ProcessSampleScratch
{
    /// <summary>The sample buffer handed to NVML; grown when NVML asks for more, never shrunk.</summary>
    public NvmlProcessUtilizationSample[] Buffer { get; set; } = [];

    /// <summary>Sums of this cycle's new samples per process.</summary>
    public Dictionary<int, (double Sm, double Mem, double Enc, double Dec, int N, ulong Ts)> Sums { get; } = [];

    /// <summary>The processes that had a new sample in this cycle.</summary>
    public HashSet<int> Fresh { get; } = [];

    /// <summary>The processes running on the GPU in this cycle.</summary>
    public HashSet<int> Present { get; } = [];
}

/// <summary>
/// The sharing mode and running processes of a GPU as the current collection cycle first read them. The device,
/// partition and process reads all need them; without this each read asked NVML again, four process-list
/// queries per GPU per cycle where one will do.
/// </summary>
internal sealed class CycleReads
{
    private long _cycle;

    public SharingMode? Mode { get; private set; }

    public RunningProcess[]? Processes { get; private set; }

    public bool HasProcesses { get; private set; }

    /// <summary>Forgets what an earlier cycle read; <paramref name="cycle"/> 0 means no cycle, so nothing is kept.</summary>
    public void Enter(long cycle)
    {
        if (_cycle != cycle)
        {
            (_cycle, Mode, Processes, HasProcesses) = (cycle, null, null, false);
        }
    }

    public void Keep(SharingMode mode)
    {
        if (_cycle != 0)
        {
            Mode = mode;
        }
    }

    public void Keep(RunningProcess[]? processes)
    {
        if (_cycle != 0)
        {
            (Processes, HasProcesses) = (processes, true);
        }
    }
}
