using System.Globalization;
using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Actions;

/// <summary>
/// An eviction in progress for one (policy, GPU): the process asked to end, when, and whether it has been
/// killed. Each cycle it kills a process that outlived its grace, and once that one is gone evicts the next
/// newest while the tenant's memory on the GPU (this cycle's, not the objective's window maximum, which still
/// remembers the process just ended) is over the ceiling.
/// </summary>
internal sealed class ActiveEviction(long id, EvictAction action, ActionContext first) : IActiveAction
{
    private readonly List<JournalProcess> _journaled = [];
    private JournalEntry _entry = first.Entry(id, KnownPolicyTypes.Actions.Evict, "") with { ProcessKind = first.Processes.Kind };
    private (ProcessKey Key, DateTimeOffset At, bool Killed)? _pending;

    public long Id => id;

    public string Type => KnownPolicyTypes.Actions.Evict;

    public string Detail { get; private set; } = "";

    public JournalEntry Entry => _entry with { Processes = [.. _journaled], Detail = Detail };

    public IReadOnlyList<ActionPlan> Update(ActionContext context)
    {
        if (_pending is { } p)
        {
            // Still pending while the GPU still lists the same process (its identity from the snapshot, checked
            // against /proc): gone from the list means it let go of its memory, which is what the eviction was for.
            var listed = ActionTargets.Processes(context, context.Tenant).FirstOrDefault(x => x.Reading.Pid == p.Key.Pid);
            if (listed is null || context.Processes.Identify(listed) is not { } now || now != p.Key)
            {
                _pending = null;
                return [];
            }

            if (!p.Killed && context.Time.GetUtcNow() - p.At >= action.Grace)
            {
                // The process is journaled already: the SIGKILL needs no record of its own to be undone (it cannot be).
                return
                [
                    new ActionPlan
                    {
                        Detail = string.Create(CultureInfo.InvariantCulture, $"PID {p.Key.Pid} did not exit within {action.Grace.TotalSeconds:0} s of SIGTERM: SIGKILL"),
                        Apply = () =>
                        {
                            context.Processes.Terminate(p.Key, force: true);
                            _pending = p with { Killed = true };
                        },
                    },
                ];
            }

            return [];
        }

        return action.Allowed(context.Time.GetUtcNow()) && PlanNext(context) is { } next ? [next] : [];
    }

    /// <summary>Nothing to hold: an eviction cannot be undone, and lifting it while one is pending would forget the SIGKILL.</summary>
    public bool Slack(ActionContext context) => _pending is null;

    /// <summary>
    /// Plans the eviction of the tenant's newest process when the tenant is over its ceiling: the plan journals
    /// it, and its step sends SIGTERM. Null when there is none, or when the newest is one this eviction already
    /// planned and it is still there: in dry-run nothing is signalled, so it stays the newest and is planned once.
    /// </summary>
    public ActionPlan? PlanNext(ActionContext context)
    {
        var ceiling = EvictAction.Ceiling(context) ?? long.MaxValue;
        var used = context.Latest.Tenants.FirstOrDefault(t => t.Gpu == context.Gpu && t.Tenant == context.Tenant)?.MemoryUsedBytes ?? 0;
        if (context.Tenant.Length == 0 || used <= ceiling)
        {
            return null;
        }

        var newest = ActionTargets.Processes(context, context.Tenant)
            .Where(p => p.Attribution.Tenant.Length > 0)
            .Select(p => (Process: p, Key: context.Processes.Identify(p)))
            .Where(x => x.Key is not null)
            .OrderByDescending(x => x.Key!.Value.StartTime)
            .ThenByDescending(x => x.Process.Reading.Pid)
            .FirstOrDefault();
        if (newest.Key is not { } key || _journaled.Contains(new JournalProcess(key.Pid, key.StartTime)))
        {
            return null;
        }

        var now = context.Time.GetUtcNow();
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"evicting PID {key.Pid} ({newest.Process.Reading.Name}, {newest.Process.Reading.UsedMemoryBytes >> 20} MiB), the newest of {context.Tenant} over its {ceiling >> 20} MiB ceiling ({used >> 20} MiB): SIGTERM, SIGKILL after {action.Grace.TotalSeconds:0} s");
        Detail = detail;
        return new ActionPlan
        {
            Detail = detail,
            Entry = _entry with { At = now, Processes = [new JournalProcess(key.Pid, key.StartTime)], Detail = detail },
            Journaled = journaled =>
            {
                _entry = journaled with { Processes = null };
                _journaled.Add(new JournalProcess(key.Pid, key.StartTime));
            },
            Apply = () =>
            {
                action.Count(now);
                context.Processes.Terminate(key, force: false);
                _pending = (key, now, false);
            },
        };
    }
}
