using System.Globalization;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Actions;

/// <summary>
/// Creates <c>lock-clocks</c>: locks the SM clock into [minMhz, maxMhz] for a latency-sensitive tenant, so
/// boost and thermal swings stop changing its kernel times. Acts on the whole GPU (every MIG instance too).
/// </summary>
public sealed class LockClocksActionFactory : IActionFactory
{
    /// <inheritdoc />
    public string Type => KnownPolicyTypes.Actions.LockClocks;

    /// <inheritdoc />
    public IPolicyAction Create(ActionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var min = options.MinMhz ?? throw new ArgumentException("lock-clocks needs minMhz", nameof(options));
        var max = options.MaxMhz ?? throw new ArgumentException("lock-clocks needs maxMhz", nameof(options));
        return new DeviceAction(
            Type,
            c => c.GpuSnapshot.Device?.SmClockMaxHz is { } top && max * 1e6 > top + 0.5e6
                ? string.Create(CultureInfo.InvariantCulture, $"maxMhz {max} is above the GPU's highest clock {top / 1e6:0} MHz")
                : null,
            (_, e) => e with { Detail = $"SM clock locked to {min}-{max} MHz" },
            c => c.Control.SetLockedClocks(c.Gpu, min, max));
    }
}
