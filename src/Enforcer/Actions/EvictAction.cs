using System.Globalization;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Actions;

/// <summary>
/// <c>evict</c>: the hard answer to a memory ceiling on a GPU that cannot limit memory (time-sliced), where a
/// stopped process keeps holding what it allocated. It ends the policy's own tenant's newest process on the GPU
/// (SIGTERM, then SIGKILL after the grace period), and the next newest while the tenant is still over its
/// ceiling, at most <c>maxEvictions</c> per <c>evictionWindow</c> for the policy. Each eviction is a plan the
/// engine journals before the signal (and never signals in dry-run). It never touches processes of no tenant or
/// of another tenant, and ends only real processes.
/// </summary>
internal sealed class EvictAction(ActionOptions options) : IPolicyAction
{
    private readonly Queue<DateTimeOffset> _evictions = new();
    private readonly Lock _lock = new();

    /// <summary>How long a process may take to exit after SIGTERM.</summary>
    public TimeSpan Grace { get; } = options.Grace ?? TimeSpan.FromSeconds(10);

    /// <summary>The most evictions per <see cref="Window"/> for the policy.</summary>
    public int MaxEvictions { get; } = options.MaxEvictions ?? 1;

    /// <summary>The window <see cref="MaxEvictions"/> counts over.</summary>
    public TimeSpan Window { get; } = options.EvictionWindow ?? TimeSpan.FromMinutes(10);

    public string Type => KnownPolicyTypes.Actions.Evict;

    public string? Refusal(ActionContext context)
    {
        if (context.Policy.Objectives.All(o => o.Type != KnownPolicyTypes.Objectives.MaxMemory))
        {
            return "evict answers only a max-memory ceiling";
        }

        if (context.GpuSnapshot.Mode == Model.Devices.SharingMode.Vgpu)
        {
            return "on a vGPU host the memory belongs to VMs; evict never ends a VM";
        }

        if (context.Tenant.Length == 0)
        {
            return "evict never ends processes of no tenant";
        }

        if (context.Processes.Kind != "os")
        {
            return $"evict ends real processes only; the {context.Processes.Kind} host's processes are not OS processes";
        }

        return Allowed(context.Time.GetUtcNow()) ? null : LimitReason();
    }

    public ActionPlan? Plan(ActionContext context, long id)
    {
        var eviction = new ActiveEviction(id, this, context);
        return eviction.PlanNext(context) is { } plan ? plan with { Active = eviction } : null;
    }

    /// <summary>The memory ceiling of the policy, in bytes.</summary>
    public static long? Ceiling(ActionContext context) =>
        context.Policy.Objectives.FirstOrDefault(o => o.Type == KnownPolicyTypes.Objectives.MaxMemory)?.Bytes;

    /// <summary>Whether the policy may evict one more process now.</summary>
    public bool Allowed(DateTimeOffset now)
    {
        lock (_lock)
        {
            while (_evictions.Count > 0 && now - _evictions.Peek() >= Window)
            {
                _evictions.Dequeue();
            }

            return _evictions.Count < MaxEvictions;
        }
    }

    /// <summary>Counts an eviction against the policy's limit.</summary>
    public void Count(DateTimeOffset now)
    {
        lock (_lock)
        {
            _evictions.Enqueue(now);
        }
    }

    public string LimitReason() =>
        string.Create(CultureInfo.InvariantCulture, $"the policy already evicted {MaxEvictions} process(es) within {Window.TotalSeconds:0} s (maxEvictions)");
}
