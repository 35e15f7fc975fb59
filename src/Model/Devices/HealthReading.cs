namespace GpuQos.Model.Devices;

/// <summary>Health counters and flags for one GPU. Null fields are unsupported on this GPU.</summary>
public sealed record HealthReading
{
    /// <summary>Active clock-event (throttle) reasons, as NVML's bit mask.</summary>
    public ulong? ClockEventReasons { get; init; }
    public long? EccCorrectedTotal { get; init; }
    public long? EccUncorrectedTotal { get; init; }
    public int? RemappedRowsCorrectable { get; init; }
    public int? RemappedRowsUncorrectable { get; init; }
    public bool? RemapPending { get; init; }
    public bool? RemapFailed { get; init; }
    public long XidErrorsTotal { get; init; }

    /// <summary>
    /// XID errors since start by code: alerts tell application faults (13, 31, 43) from hardware and driver
    /// faults only by code, and <see cref="LastXid"/> hides every code but the latest.
    /// </summary>
    public IReadOnlyDictionary<int, long> XidErrorsByCode { get; init; } = new Dictionary<int, long>();

    public int? LastXid { get; init; }
    public double? PcieTxBytesPerSecond { get; init; }
    public double? PcieRxBytesPerSecond { get; init; }
}

/// <summary>NVML clock-event reason bits that GpuQos names in its metrics.</summary>
public static class ClockEventReasons
{
    public const ulong GpuIdle = 0x1;
    public const ulong ApplicationsClocksSetting = 0x2;
    public const ulong SwPowerCap = 0x4;
    public const ulong HwSlowdown = 0x8;
    public const ulong SyncBoost = 0x10;
    public const ulong SwThermalSlowdown = 0x20;
    public const ulong HwThermalSlowdown = 0x40;
    public const ulong HwPowerBrakeSlowdown = 0x80;

    /// <summary>Reason bits with their <c>reason</c> label values.</summary>
    public static IReadOnlyList<(ulong Bit, string Label)> Named { get; } =
    [
        (GpuIdle, "gpu_idle"),
        (ApplicationsClocksSetting, "applications_clocks_setting"),
        (SwPowerCap, "sw_power_cap"),
        (HwSlowdown, "hw_slowdown"),
        (SyncBoost, "sync_boost"),
        (SwThermalSlowdown, "sw_thermal_slowdown"),
        (HwThermalSlowdown, "hw_thermal_slowdown"),
        (HwPowerBrakeSlowdown, "hw_power_brake_slowdown"),
    ];
}
