using GpuQos.Backends.Nvml.Interop;
using GpuQos.Model.Backends;
using GpuQos.Model.Devices;

namespace GpuQos.Backends.Nvml;

/// <summary>
/// The NVML backend (<c>--backend nvml</c>): every reading and control action through <c>libnvidia-ml.so.1</c>.
/// Handles are resolved once at start. NOT_SUPPORTED becomes a null value and is not asked again; GPU_IS_LOST
/// marks the GPU lost and is raised so the collection loop records it; every other error is raised as a
/// <see cref="GpuBackendException"/> that names the function and the code. Calls are serialized: NVML is
/// thread-safe, but the per-GPU bookkeeping here is not, and collection is one loop anyway.
/// </summary>
public sealed partial class NvmlBackend : IGpuBackend, IGpuControl
{
    private const string MpsServerName = "nvidia-cuda-mps-server";
    private readonly NvmlGpu[] _gpus;
    private readonly NvmlBackendOptions _options;
    private readonly TimeProvider _time;
    private readonly ProcessNames _names;
    private readonly XidWatcher _xids;
    private readonly MpsControl _mps;
    private readonly Lock _lock = new();
    private bool _disposed;

    // The collection cycle (BeginCycle); 0 until the first, and every read then asks NVML afresh.
    private long _cycle;

    private NvmlBackend(NvmlGpu[] gpus, NvmlBackendOptions options, TimeProvider time)
    {
        _gpus = gpus;
        _options = options;
        _time = time;
        _names = new ProcessNames(options.ProcRoot);
        _mps = MpsControl.Locate(options.ExecutableSearchPath);
        Gpus = gpus.Select(g => g.Identity).ToArray();
        _xids = new XidWatcher(gpus, options.EventWaitTimeout);
    }

    /// <inheritdoc />
    public string Name => "nvml";

    /// <inheritdoc />
    public void BeginCycle()
    {
        lock (_lock)
        {
            _cycle++;
        }
    }

    /// <inheritdoc />
    public IGpuControl Control => this;

    /// <inheritdoc />
    public IReadOnlyList<GpuIdentity> Gpus { get; }

    /// <summary>
    /// Loads NVML, initializes it and resolves every GPU. Throws <see cref="BackendUnavailableException"/> when
    /// the library is missing, NVML cannot start, or it reports no GPU.
    /// </summary>
    public static NvmlBackend Open(NvmlBackendOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!NvmlLibrary.TryLoad(out var reason))
        {
            throw new BackendUnavailableException(reason);
        }

        NvmlReturn code;
        try
        {
            code = NvmlNative.nvmlInitWithFlags(0);
        }
        catch (EntryPointNotFoundException ex)
        {
            throw new BackendUnavailableException($"the library loaded as {NvmlNative.Library} is not NVML ({ex.Message})", ex);
        }

        if (code != NvmlReturn.Success)
        {
            throw new BackendUnavailableException(NvmlErrors.Exception("nvmlInitWithFlags", code, null).Message);
        }

        try
        {
            code = NvmlNative.nvmlDeviceGetCount_v2(out var count);
            if (code != NvmlReturn.Success)
            {
                throw new BackendUnavailableException(NvmlErrors.Exception("nvmlDeviceGetCount_v2", code, null).Message);
            }

            if (count == 0)
            {
                throw new BackendUnavailableException("NVML reports no GPU");
            }

            var gpus = new NvmlGpu[count];
            for (var i = 0; i < count; i++)
            {
                code = NvmlNative.nvmlDeviceGetHandleByIndex_v2((uint)i, out var handle);
                gpus[i] = new NvmlGpu(i, code == NvmlReturn.Success ? handle : 0);
                if (code != NvmlReturn.Success)
                {
                    // Keep the index so that the other GPUs keep theirs; this one reports as lost.
                    _ = gpus[i].Error("nvmlDeviceGetHandleByIndex_v2", NvmlReturn.GpuIsLost);
                }

                gpus[i].Identity = ReadIdentity(gpus[i]);
                gpus[i].Model = GpuModels.Find(gpus[i].Identity.Name);
            }

            return new NvmlBackend(gpus, options, time);
        }
        catch
        {
            _ = NvmlNative.nvmlShutdown();
            throw;
        }
    }

    /// <inheritdoc />
    public DeviceReading ReadDevice(int gpu)
    {
        lock (_lock)
        {
            var g = Gpu(gpu, "read");
            var h = g.Handle;
            var mode = Mode(g);
            var (total, used, reserved) = Memory(g, h) ?? (0, 0, null);
            NvmlUtilization utilization = default;
            var hasUtilization = Read(g, "nvmlDeviceGetUtilizationRates", () => NvmlNative.nvmlDeviceGetUtilizationRates(h, out utilization));
            uint mw = 0, limit = 0;
            ulong mj = 0;
            var temperature = new NvmlTemperatureV1 { Version = NvmlTemperatureV1.Version1 };
            var computeMode = 0;
            return new DeviceReading
            {
                Mode = mode,
                MemoryTotalBytes = total,
                MemoryUsedBytes = used,
                MemoryReservedBytes = reserved,
                SmUtilization = hasUtilization ? utilization.Gpu / 100.0 : null,
                MemoryBandwidthUtilization = hasUtilization ? utilization.Memory / 100.0 : null,
                SmClockHz = Clock(g, "nvmlDeviceGetClockInfo", ClockSm),
                SmClockMaxHz = Clock(g, "nvmlDeviceGetMaxClockInfo", ClockSm),
                MemoryClockHz = Clock(g, "nvmlDeviceGetClockInfo", ClockMemory),
                LockedClockHz = g.LockedClocks is { } l ? new ClockRange(l.MinMhz * 1e6, l.MaxMhz * 1e6) : null,
                PowerWatts = Read(g, "nvmlDeviceGetPowerUsage", () => NvmlNative.nvmlDeviceGetPowerUsage(h, out mw)) ? mw / 1000.0 : null,
                PowerLimitWatts = Read(g, "nvmlDeviceGetEnforcedPowerLimit", () => NvmlNative.nvmlDeviceGetEnforcedPowerLimit(h, out limit)) ? limit / 1000.0 : null,
                EnergyJoules = Read(g, "nvmlDeviceGetTotalEnergyConsumption", () => NvmlNative.nvmlDeviceGetTotalEnergyConsumption(h, out mj)) ? mj / 1000.0 : null,
                TemperatureCelsius = Read(g, "nvmlDeviceGetTemperatureV", () => NvmlNative.nvmlDeviceGetTemperatureV(h, ref temperature)) ? temperature.Temperature : null,
                ComputeMode = Read(g, "nvmlDeviceGetComputeMode", () => NvmlNative.nvmlDeviceGetComputeMode(h, out computeMode)) ? (ComputeMode)computeMode : null,
            };
        }
    }

    /// <inheritdoc />
    public HealthReading ReadHealth(int gpu)
    {
        lock (_lock)
        {
            var g = Gpu(gpu, "read");
            var h = g.Handle;
            ulong reasons = 0, corrected = 0, uncorrected = 0;
            uint correctable = 0, uncorrectable = 0, pending = 0, failed = 0, tx = 0, rx = 0;
            var hasRemap = Read(g, "nvmlDeviceGetRemappedRows", () => NvmlNative.nvmlDeviceGetRemappedRows(h, out correctable, out uncorrectable, out pending, out failed));
            var (xidTotal, lastXid, xidByCode) = _xids.Read(gpu);
            return new HealthReading
            {
                ClockEventReasons = Read(g, "nvmlDeviceGetCurrentClocksEventReasons", () => NvmlNative.nvmlDeviceGetCurrentClocksEventReasons(h, out reasons)) ? reasons : null,

                // Volatile counters: since the driver loaded, which is what the metric says.
                EccCorrectedTotal = Read(g, "nvmlDeviceGetTotalEccErrors", () => NvmlNative.nvmlDeviceGetTotalEccErrors(h, EccCorrected, EccVolatile, out corrected)) ? (long)corrected : null,
                EccUncorrectedTotal = Read(g, "nvmlDeviceGetTotalEccErrors", () => NvmlNative.nvmlDeviceGetTotalEccErrors(h, EccUncorrected, EccVolatile, out uncorrected)) ? (long)uncorrected : null,
                RemappedRowsCorrectable = hasRemap ? (int)correctable : null,
                RemappedRowsUncorrectable = hasRemap ? (int)uncorrectable : null,
                RemapPending = hasRemap ? pending != 0 : null,
                RemapFailed = hasRemap ? failed != 0 : null,
                XidErrorsTotal = xidTotal,
                LastXid = lastXid,
                XidErrorsByCode = xidByCode,

                // NVML reports KB/s.
                PcieTxBytesPerSecond = Read(g, "nvmlDeviceGetPcieThroughput", () => NvmlNative.nvmlDeviceGetPcieThroughput(h, PcieTx, out tx)) ? tx * 1024.0 : null,
                PcieRxBytesPerSecond = Read(g, "nvmlDeviceGetPcieThroughput", () => NvmlNative.nvmlDeviceGetPcieThroughput(h, PcieRx, out rx)) ? rx * 1024.0 : null,
            };
        }
    }

    /// <summary>Stops the XID watcher, frees GPM samples and shuts NVML down.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _xids.Dispose();
        lock (_lock)
        {
            foreach (var g in _gpus)
            {
                FreeGpm(g, keep: []);
            }

            _ = NvmlNative.nvmlShutdown();
        }
    }

    private const int ClockSm = 1;
    private const int ClockMemory = 2;
    private const int EccCorrected = 0;
    private const int EccUncorrected = 1;
    private const int EccVolatile = 0;
    private const int PcieTx = 0;
    private const int PcieRx = 1;
    private const int VirtualizationHostVgpu = 3;

    private NvmlGpu Gpu(int gpu, string function)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (gpu < 0 || gpu >= _gpus.Length)
        {
            throw new GpuBackendException(function, NvmlReturn.InvalidArgument.Name(), gpu, $"there is no GPU {gpu}");
        }

        var g = _gpus[gpu];
        g.ThrowIfLost(function);
        return g;
    }

    /// <summary>An optional read: not called once known unavailable; true when it succeeded.</summary>
    private static bool Read(NvmlGpu g, string function, Func<NvmlReturn> call, string? key = null) =>
        !g.Skips(key ?? function) && g.Optional(function, call(), key);

    private static double? Clock(NvmlGpu g, string function, int type)
    {
        uint mhz = 0;
        var key = function + "/" + type.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var read = function == "nvmlDeviceGetClockInfo"
            ? Read(g, function, () => NvmlNative.nvmlDeviceGetClockInfo(g.Handle, type, out mhz), key)
            : Read(g, function, () => NvmlNative.nvmlDeviceGetMaxClockInfo(g.Handle, type, out mhz), key);
        return read ? mhz * 1e6 : null;
    }

    /// <summary>Memory of a device or MIG device: total, used including the driver's reservation, and the reservation.</summary>
    private static (long Total, long Used, long? Reserved)? Memory(NvmlGpu g, nint handle, string? key = null)
    {
        var memory = new NvmlMemoryV2 { Version = NvmlMemoryV2.Version2 };
        if (!Read(g, "nvmlDeviceGetMemoryInfo_v2", () => NvmlNative.nvmlDeviceGetMemoryInfo_v2(handle, ref memory), key))
        {
            return null;
        }

        return ((long)memory.Total, (long)(memory.Used + memory.Reserved), (long)memory.Reserved);
    }
}
