using GpuQos.Enforcer.Policies;
using GpuQos.Model.Snapshots;

namespace GpuQos.Enforcer.Actions;

/// <summary>Which tenants and processes an action may act on.</summary>
public static class ActionTargets
{
    /// <summary>The key under which processes of no tenant are grouped when <c>touchUnattributed</c> allows acting on them.</summary>
    public const string Unattributed = "";

    /// <summary>
    /// Tenants the action may act on: those listed in the action, else every other tenant on the GPU when a
    /// floor is violated, else (a ceiling) the policy's own tenant. Processes of no tenant are included only
    /// when the configuration allows it.
    /// </summary>
    public static IReadOnlyList<string> Tenants(ActionContext context, ActionOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var present = context.GpuSnapshot.Processes.Select(p => p.Attribution.Tenant).Distinct(StringComparer.Ordinal).ToList();
        IEnumerable<string> chosen = options.Tenants.Count > 0
            ? options.Tenants.Where(t => t != context.Tenant)
            : context.ViolatedFloor is not null || context.Ceiling is null
                ? present.Where(t => t != context.Tenant)
                : [context.Tenant];
        return chosen
            .Where(t => present.Contains(t, StringComparer.Ordinal))
            .Where(t => t != Unattributed || context.Options.TouchUnattributed)
            .ToList();
    }

    /// <summary>The GPU processes of a tenant (or of no tenant, for <see cref="Unattributed"/>).</summary>
    public static IEnumerable<ProcessSnapshot> Processes(ActionContext context, string tenant)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GpuSnapshot.Processes.Where(p => p.Attribution.Tenant == tenant);
    }

    /// <summary>A tenant's SM share now; processes of no tenant are summed.</summary>
    public static double? Share(HostSnapshot snapshot, int gpu, string tenant)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (tenant == Unattributed)
        {
            var shares = snapshot.Gpus[gpu].Processes.Where(p => p.Attribution.Tenant.Length == 0).Select(p => p.Reading.SmUtilization).ToList();
            return shares.Any(s => s is null) ? null : shares.Sum(s => s ?? 0);
        }

        var usage = snapshot.Tenants.FirstOrDefault(t => t.Gpu == gpu && t.Tenant == tenant);
        return usage is null ? 0 : usage.SmShare;
    }
}
