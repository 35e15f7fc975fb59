using GpuQos.Enforcer.Policies;
using GpuQos.Model.Devices;

namespace GpuQos.Enforcer.Actions;

/// <summary>
/// Creates <c>compute-mode</c>: sets the GPU's compute mode (e.g. exclusive-process so no new tenant can
/// open a context). Contexts already open stay; the mode reaches only new ones.
/// </summary>
public sealed class ComputeModeActionFactory : IActionFactory
{
    /// <inheritdoc />
    public string Type => KnownPolicyTypes.Actions.ComputeMode;

    /// <inheritdoc />
    public IPolicyAction Create(ActionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var mode = options.ComputeMode ?? throw new ArgumentException("compute-mode needs computeMode", nameof(options));
        return new DeviceAction(
            Type,
            c => c.GpuSnapshot.Mode == SharingMode.Mig ? "compute mode cannot be changed while MIG is enabled" : null,
            (c, e) => e with { PreviousComputeMode = c.Control.GetComputeMode(c.Gpu), Detail = $"compute mode set to {mode}" },
            c => c.Control.SetComputeMode(c.Gpu, mode));
    }
}
