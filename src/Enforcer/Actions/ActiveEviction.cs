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
    private readonly List<string> _taken = [];
    private JournalEntry _entry = first.Entry(id, KnownPolicyTypes.Actions.Evict, "") with { ProcessKind = first.Processes.Kind };
    private (ProcessKey Key, DateTimeOffset At, bool Killed)? _pending;

    public long Id => id;

    public string Type => KnownPolicyTypes.Actions.Evict;

    public string Detail { get; private set; } = "";

    public JournalEntry Entry => _entry with { Processes = [.. _journaled], Detail = Detail };

    public IReadOnlyList<string> TakeApplied()
    {
        var taken = _taken.ToList();
        _taken.Clear();
        return taken;
    }

    public void Update(ActionContext context)
    {
        if (_pending is { } p)
        {
            // Still pending while the GPU still lists the same process (its identity from the snapshot, checked
            // against /proc): gone from the list means it let go of its memory, which is what the eviction was for.
            var listed = ActionTargets.Processes(context, context.Tenant).FirstOrDefault(x => x.Reading.Pid == p.Key.Pid);
            if (listed is null || context.Processes.Identify(listed) is not { } now || now != p.Key)
            {
                _pending = null;
            }
            else if (!p.Killed && !context.DryRun && context.Time.GetUtcNow() - p.At >= action.Grace)
            {
                context.Processes.Terminate(p.Key, force: true);
                _pending = p with { Killed = true };
                _taken.Add(string.Create(CultureInfo.InvariantCulture, $"PID {p.Key.Pid} did not exit within {action.Grace.TotalSeconds:0} s of SIGTERM: SIGKILL"));
            }

            return;
        }

        if (!context.DryRun && action.Allowed(context.Time.GetUtcNow()) && EvictNext(context))
        {
            _taken.Add(Detail);
        }
    }

    /// <summary>Nothing to hold: an eviction cannot be undone, and lifting it while one is pending would forget the SIGKILL.</summary>
    public bool Slack(ActionContext context) => _pending is null;

    /// <summary>Journals, then signals, the tenant's newest process when the tenant is over its ceiling; false when there is none.</summary>
    public bool EvictNext(ActionContext context)
    {
        var ceiling = EvictAction.Ceiling(context) ?? long.MaxValue;
        var used = context.Latest.Tenants.FirstOrDefault(t => t.Gpu == context.Gpu && t.Tenant == context.Tenant)?.MemoryUsedBytes ?? 0;
        if (context.Tenant.Length == 0 || used <= ceiling)
        {
            return false;
        }

        var newest = ActionTargets.Processes(context, context.Tenant)
            .Where(p => p.Attribution.Tenant.Length > 0)
            .Select(p => (Process: p, Key: context.Processes.Identify(p)))
            .Where(x => x.Key is not null)
            .OrderByDescending(x => x.Key!.Value.StartTime)
            .ThenByDescending(x => x.Process.Reading.Pid)
            .FirstOrDefault();
        if (newest.Key is not { } key)
        {
            return false;
        }

        var now = context.Time.GetUtcNow();
        Detail = string.Create(CultureInfo.InvariantCulture,
            $"evicting PID {key.Pid} ({newest.Process.Reading.Name}, {newest.Process.Reading.UsedMemoryBytes >> 20} MiB), the newest of {context.Tenant} over its {ceiling >> 20} MiB ceiling ({used >> 20} MiB): SIGTERM, SIGKILL after {action.Grace.TotalSeconds:0} s");
        var entry = _entry with { At = now };
        context.Journal.Append(entry with { Processes = [new JournalProcess(key.Pid, key.StartTime)], Detail = Detail });
        _entry = entry;
        _journaled.Add(new JournalProcess(key.Pid, key.StartTime));
        if (context.DryRun)
        {
            return true;
        }

        action.Count(now);
        context.Processes.Terminate(key, force: false);
        _pending = (key, now, false);
        return true;
    }
}
