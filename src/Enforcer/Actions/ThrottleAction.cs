using GpuQos.Enforcer.Policies;
using GpuQos.Model.Devices;

namespace GpuQos.Enforcer.Actions;

/// <summary>
/// Throttles tenants over their share with duty cycles closed in a feedback loop. For a violated floor, the
/// shares come from weighted max-min fairness with the policy's floor guaranteed; for a ceiling, the policy's
/// own tenant is held to it.
/// </summary>
internal sealed class ThrottleAction(ActionOptions options) : IPolicyAction
{
    /// <inheritdoc />
    public string Type => KnownPolicyTypes.Actions.Throttle;

    /// <inheritdoc />
    public string? Refusal(ActionContext context) => context.GpuSnapshot.Mode switch
    {
        SharingMode.Mig => "no SM throttling across MIG instances: each instance has its own SMs, so stopping one tenant gives another nothing",
        SharingMode.Vgpu => "vGPU work runs inside VMs, out of reach of host signals; use vgpu-scheduler",
        SharingMode.Mps => "per-client SM share is unknown under MPS (NVML charges it to the server), so a duty cycle cannot be closed in a loop; use mps-threads",
        SharingMode.Exclusive when context.ViolatedFloor is not null => "an exclusive GPU has a single tenant; there is no neighbour to throttle",
        null => "the GPU's sharing mode is unknown this cycle",
        _ => null,
    };

    /// <inheritdoc />
    public ActionPlan? Plan(ActionContext context, long id) => new ActiveThrottle(id, options, context).Start(context);
}
