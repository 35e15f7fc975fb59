using GpuQos.Enforcer.Journal;

namespace GpuQos.Enforcer.Engine;

/// <summary>
/// The recent actions (<c>/api/v1/actions</c>) and their counts by (action, policy, result)
/// (<c>gpuqos_enforcement_actions_total</c>). Used under the enforcer's lock.
/// </summary>
internal sealed class ActionLog(TimeProvider time, Func<int> capacity)
{
    private readonly Queue<ActionRecord> _recent = new();
    private readonly Dictionary<(string Action, string Policy, string Result), long> _counts = [];
    private bool _changed;

    /// <summary>Records what happened to an action of a (policy, tenant, GPU).</summary>
    public void Record(SlaKey key, string uuid, long id, string action, string result, string detail) =>
        Add(new ActionRecord(time.GetUtcNow(), id, key.Policy, key.Tenant, key.Gpu, uuid, action, result, detail));

    /// <summary>Records what happened to a journaled action (recovery).</summary>
    public void Record(JournalEntry entry, string uuid, string result, string detail) =>
        Add(new ActionRecord(time.GetUtcNow(), entry.Id, entry.Policy, entry.Tenant, entry.Gpu, uuid, entry.Action, result, detail));

    /// <summary>Adds a record; the oldest fall out beyond the configured history.</summary>
    public void Add(ActionRecord record)
    {
        _recent.Enqueue(record);
        while (_recent.Count > capacity())
        {
            _recent.Dequeue();
        }

        var key = (record.Action, record.Policy, record.Result);
        _counts[key] = _counts.GetValueOrDefault(key) + 1;
        _changed = true;
    }

    /// <summary>Whether anything was recorded since the last call.</summary>
    public bool TakeChanged()
    {
        var changed = _changed;
        _changed = false;
        return changed;
    }

    /// <summary>The recent records, newest first.</summary>
    public ActionRecord[] NewestFirst() => [.. _recent.Reverse()];

    /// <summary>The counts since start.</summary>
    public KeyValuePair<(string Action, string Policy, string Result), long>[] Counts() => [.. _counts];
}
