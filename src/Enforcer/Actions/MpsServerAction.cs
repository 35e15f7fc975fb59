using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;
using GpuQos.Model.Backends;
using GpuQos.Model.Devices;

namespace GpuQos.Enforcer.Actions;

/// <summary>
/// An MPS setting applied to the servers that serve the target tenants' processes, the way MPS works: one server
/// per user ID, whose settings reach every client it serves. A server that also serves a tenant the action may
/// not touch (the tenant the policy protects, say) is refused with the reason, since capping it would cap that
/// tenant too. Each server's value is read first and journaled, and the undo sets exactly that value back.
/// </summary>
internal sealed class MpsServerAction(
    string type,
    ActionOptions options,
    Func<IMpsControl, int, int, JournalMpsServer> capture,
    Action<IMpsControl, int, int> apply,
    string what) : IPolicyAction
{
    public string Type => type;

    public string? Refusal(ActionContext context)
    {
        if (context.GpuSnapshot.Mode != SharingMode.Mps)
        {
            return "the GPU is not shared through MPS";
        }

        if (context.Mps is null)
        {
            return "MPS is not controlled on this backend (the simulated host has no MPS control daemon)";
        }

        return Servers(context, out var refusal) is null ? refusal : null;
    }

    public ActionPlan? Plan(ActionContext context, long id)
    {
        var mps = context.Mps ?? throw new InvalidOperationException("MPS is not controlled on this backend");
        var servers = Servers(context, out var refusal) ?? throw new InvalidOperationException(refusal);
        if (servers.Count == 0)
        {
            return null;
        }

        var journaled = servers.Select(s => capture(mps, s, context.Gpu)).ToList();
        var entry = context.Entry(id, type, $"{servers.Count} MPS server(s) ({string.Join(", ", servers)}) {what}") with { MpsServers = journaled };
        return SettledAction.Plan(entry, () =>
        {
            foreach (var server in servers)
            {
                apply(mps, server, context.Gpu);
            }
        });
    }

    /// <summary>
    /// The servers whose clients include the target tenants' processes on this GPU; null, with the reason, when one
    /// of them also serves a process of a tenant the action may not touch, or of no known tenant.
    /// </summary>
    private List<int>? Servers(ActionContext context, out string? refusal)
    {
        refusal = null;
        var mps = context.Mps!;
        var targets = ActionTargets.Tenants(context, options).ToHashSet(StringComparer.Ordinal);
        var tenantOf = new Dictionary<int, string>();
        foreach (var gpu in context.Latest.Gpus)
        {
            foreach (var p in gpu.Processes)
            {
                tenantOf.TryAdd(p.Reading.Pid, p.Attribution.Tenant);
            }
        }

        var mine = targets.SelectMany(t => ActionTargets.Processes(context, t)).Select(p => p.Reading.Pid).ToHashSet();
        var chosen = new List<int>();
        foreach (var server in mps.Servers())
        {
            var clients = mps.Clients(server);
            if (!clients.Any(mine.Contains))
            {
                continue;
            }

            var others = clients.Where(c => !mine.Contains(c)).ToList();
            if (others.Count > 0)
            {
                var who = string.Join(", ", others.Select(c => tenantOf.TryGetValue(c, out var t) ? $"{c} ({(t.Length == 0 ? "no tenant" : t)})" : $"{c} (not on a GPU)"));
                refusal = $"MPS server {server} also serves {who}; its settings reach every client it serves, so acting on it would reach them too";
                return null;
            }

            chosen.Add(server);
        }

        if (chosen.Count == 0 && mine.Count > 0)
        {
            refusal = "no MPS server lists the target tenants' processes as clients";
            return null;
        }

        return chosen;
    }
}
