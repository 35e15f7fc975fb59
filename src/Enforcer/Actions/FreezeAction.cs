using GpuQos.Enforcer.Policies;
using GpuQos.Model.Devices;

namespace GpuQos.Enforcer.Actions;

/// <summary>
/// Freezes the target tenants' cgroups: on a real host the cgroup attribution read from procfs
/// (<see cref="Model.Attribution.ProcessAttribution.FreezerCgroup"/>), on the simulated host the one it gives.
/// </summary>
internal sealed class FreezeAction(ActionOptions options) : IPolicyAction
{
    public string Type => KnownPolicyTypes.Actions.Freeze;

    public string? Refusal(ActionContext context) => context.GpuSnapshot.Mode switch
    {
        SharingMode.Mig => "freezing a tenant in another MIG instance frees no SMs for this one",
        SharingMode.Vgpu => "vGPU work runs inside VMs, out of reach of host cgroups",
        _ when context.Processes.Kind != "os" => "the simulated host has no cgroups to freeze",
        _ => null,
    };

    public ActionPlan? Plan(ActionContext context, long id)
    {
        var cgroups = ActionTargets.Tenants(context, options)
            .SelectMany(t => ActionTargets.Processes(context, t))
            .Select(p => p.Attribution.FreezerCgroup ?? p.Reading.CgroupPath)
            .OfType<string>()
            .Where(c => c.Length > 1)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (cgroups.Count == 0)
        {
            return null;
        }

        var entry = context.Entry(id, Type, $"froze {cgroups.Count} cgroup(s)") with { Cgroups = cgroups };
        return SettledAction.Plan(entry, () =>
        {
            foreach (var cgroup in cgroups)
            {
                context.Freezer.Freeze(cgroup);
            }
        });
    }
}
