namespace GpuQos.Model.Devices;

/// <summary>
/// One interval's whole-device reading. A null field means the backend does not support it on this
/// GPU (NVML's NOT_SUPPORTED); its series is omitted rather than reported as zero.
/// </summary>
public sealed record DeviceReading
{
    public required SharingMode Mode { get; init; }
    public required long MemoryTotalBytes { get; init; }
    public required long MemoryUsedBytes { get; init; }
    public long? MemoryReservedBytes { get; init; }

    /// <summary>Fraction of time a kernel ran (NVML <c>utilization.gpu</c>), 0..1.</summary>
    public double? SmUtilization { get; init; }

    /// <summary>Fraction of time device memory was read or written (NVML <c>utilization.memory</c>), 0..1.</summary>
    public double? MemoryBandwidthUtilization { get; init; }

    public double? SmClockHz { get; init; }
    public double? SmClockMaxHz { get; init; }
    public double? MemoryClockHz { get; init; }

    /// <summary>Locked GPU clock range, when clocks are locked.</summary>
    public ClockRange? LockedClockHz { get; init; }

    public double? PowerWatts { get; init; }
    public double? PowerLimitWatts { get; init; }
    public double? EnergyJoules { get; init; }
    public double? TemperatureCelsius { get; init; }
    public ComputeMode? ComputeMode { get; init; }
}

/// <summary>A locked clock range.</summary>
public readonly record struct ClockRange(double MinHz, double MaxHz);
