using System.Globalization;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Actions;

/// <summary>
/// Creates <c>lock-clocks</c>: locks the SM clock into [minMhz, maxMhz] for a latency-sensitive tenant, so
/// boost and thermal swings stop changing its kernel times. Acts on the whole GPU (every MIG instance too).
/// The range is checked against the clocks the device supports when the action is taken; the lock in force
/// before (as far as the backend knows: NVML has no read of the current lock) is journaled and restored.
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
            c => Refusal(c, min, max),
            (c, e) =>
            {
                var previous = c.Control.GetLockedClocks(c.Gpu);
                return e with
                {
                    PreviousLockedMinMhz = previous?.MinMhz,
                    PreviousLockedMaxMhz = previous?.MaxMhz,
                    Detail = $"SM clock locked to {min}-{max} MHz" + (previous is { } p ? $" (was locked to {p.MinMhz}-{p.MaxMhz} MHz)" : ""),
                };
            },
            c => c.Control.SetLockedClocks(c.Gpu, min, max));
    }

    private static string? Refusal(ActionContext context, uint min, uint max)
    {
        if (context.Control.GetSupportedSmClocks(context.Gpu) is { } supported)
        {
            return min < supported.MinMhz || max > supported.MaxMhz
                ? string.Create(CultureInfo.InvariantCulture, $"minMhz {min}-maxMhz {max} is outside the SM clocks GPU {context.Gpu} supports ({supported.MinMhz}-{supported.MaxMhz} MHz)")
                : null;
        }

        return context.GpuSnapshot.Device?.SmClockMaxHz is { } top && max * 1e6 > top + 0.5e6
            ? string.Create(CultureInfo.InvariantCulture, $"maxMhz {max} is above the GPU's highest clock {top / 1e6:0} MHz")
            : null;
    }
}
