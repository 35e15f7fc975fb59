using System.Globalization;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Actions;

/// <summary>
/// Creates <c>power-limit</c>: sets the GPU's power limit; the previous limit is journaled and restored. The
/// limit is checked against <c>nvmlDeviceGetPowerManagementLimitConstraints</c> when the action is taken, so an
/// out-of-range value is refused with the device's range instead of failing in the driver.
/// </summary>
public sealed class PowerLimitActionFactory : IActionFactory
{
    /// <inheritdoc />
    public string Type => KnownPolicyTypes.Actions.PowerLimit;

    /// <inheritdoc />
    public IPolicyAction Create(ActionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var milliwatts = (uint)Math.Round((options.Watts ?? throw new ArgumentException("power-limit needs watts", nameof(options))) * 1000);
        return new DeviceAction(
            Type,
            c => c.Control.GetPowerLimitConstraints(c.Gpu) is { } range && (milliwatts < range.MinMilliwatts || milliwatts > range.MaxMilliwatts)
                ? string.Create(CultureInfo.InvariantCulture, $"watts {milliwatts / 1000.0:0.###} is outside the power limits GPU {c.Gpu} accepts ({range.MinMilliwatts / 1000.0:0.###}-{range.MaxMilliwatts / 1000.0:0.###} W)")
                : null,
            (c, e) => e with
            {
                PreviousPowerMilliwatts = c.Control.GetPowerLimit(c.Gpu),
                Detail = string.Create(CultureInfo.InvariantCulture, $"power limit set to {milliwatts / 1000.0:0} W"),
            },
            c => c.Control.SetPowerLimit(c.Gpu, milliwatts));
    }
}
