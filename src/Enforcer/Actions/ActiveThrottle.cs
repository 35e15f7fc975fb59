using System.Globalization;
using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Planning;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Actions;

/// <summary>A throttle in force: one <see cref="ShareController"/> per throttled tenant, re-planned every cycle.</summary>
internal sealed class ActiveThrottle : IActiveAction
{
    private readonly ActionOptions _options;
    private readonly bool _floorMode;
    private readonly Dictionary<string, ShareController> _controllers = new(StringComparer.Ordinal);
    private readonly Dictionary<int, ProcessKey> _processes = [];
    private readonly Dictionary<string, double?> _achieved = new(StringComparer.Ordinal);
    private readonly List<JournalProcess> _journaled = [];
    private JournalEntry _entry;

    // The neighbours' budget under a floor, corrected from measurements each cycle.
    private FloorBudget? _budget;

    // The neighbours' budget under a latency or throughput objective (AIMD on the workload's own measurement).
    private LatencyBudget? _latency;

    public ActiveThrottle(long id, ActionOptions options, ActionContext context)
    {
        Id = id;
        _options = options;
        _floorMode = context.ViolatedFloor is not null || context.Ceiling is null;
        _entry = context.Entry(id, Type, "") with { ProcessKind = context.Processes.Kind };
    }

    public long Id { get; }

    public string Type => KnownPolicyTypes.Actions.Throttle;

    public string Detail => string.Join(", ", _controllers.Select(kv =>
        string.Create(CultureInfo.InvariantCulture, $"{Label(kv.Key)} capped at {kv.Value.Target:P0} (duty {kv.Value.Duty:P0})")));

    public JournalEntry Entry => _entry with { Processes = [.. _journaled], Detail = Detail };

    public IReadOnlyList<ThrottleHold> Holds => [.. _controllers.Select(kv => new ThrottleHold(kv.Key, kv.Value.Target, kv.Value.Duty, _achieved.GetValueOrDefault(kv.Key)))];

    /// <summary>
    /// Plans the caps: a plan that journals the processes and applies the first duty cycles, with this throttle in
    /// force after it; null when nobody is over their share.
    /// </summary>
    public ActionPlan? Start(ActionContext context)
    {
        var caps = Caps(context);
        var over = caps.Where(kv => (ActionTargets.Share(context.Latest, context.Gpu, kv.Key) ?? 0) > kv.Value + 0.005).ToList();
        if (over.Count == 0)
        {
            return null;
        }

        foreach (var (tenant, cap) in over)
        {
            _controllers[tenant] = new ShareController(cap, ActionTargets.Share(context.Latest, context.Gpu, tenant) ?? 0, context.Options.MinDutyCycle);
        }

        NoteAchieved(context);
        var journal = JournalPlan(context, first: true)!;
        return journal with { Detail = Detail, Apply = () => Drive(context), Active = this };
    }

    public IReadOnlyList<ActionPlan> Update(ActionContext context)
    {
        // A throttled tenant that has left the GPU has nothing left to hold back; forgetting its controller lets
        // the throttle go slack, so the policy can recover once the victim has its share.
        foreach (var gone in _controllers.Keys.Where(t => t != ActionTargets.Unattributed && !context.Latest.Tenants.Any(u => u.Gpu == context.Gpu && u.Tenant == t)).ToList())
        {
            _controllers.Remove(gone);
        }

        var caps = Caps(context);
        // The floor's windowed share is under the floor: a single noisy interval does not make it urgent.
        var urgent = _floorMode && (context.ViolatedFloor is not null || WorkloadResult(context) is { Violated: true });
        foreach (var (tenant, cap) in caps)
        {
            var share = ActionTargets.Share(context.Latest, context.Gpu, tenant) ?? 0;
            if (_controllers.TryGetValue(tenant, out var controller))
            {
                controller.Target = cap;
                controller.Update(share, urgent);
            }
            else if (share > cap + context.Policy.Hysteresis)
            {
                // A tenant that has grown past its share since the throttle began joins it.
                _controllers[tenant] = new ShareController(cap, share, context.Options.MinDutyCycle);
            }
        }

        NoteAchieved(context);
        var drive = new ActionPlan { Apply = () => Drive(context) };
        return JournalPlan(context, first: false) is { } journal ? [journal, drive] : [drive];
    }

    /// <summary>
    /// No longer bites when every throttled tenant wants less than its cap, or (for a floor) when the tenant the
    /// floor protects has no demand left: a reservation nobody uses is lent back.
    /// </summary>
    public bool Slack(ActionContext context) =>
        (_floorMode && !VictimWants(context)) || _controllers.Values.All(c => c.Slack);

    /// <summary>Target shares of the tenants this throttle may act on.</summary>
    private Dictionary<string, double> Caps(ActionContext context)
    {
        var targets = ActionTargets.Tenants(context, _options);
        var caps = new Dictionary<string, double>(StringComparer.Ordinal);
        if (!_floorMode)
        {
            if (context.Ceiling is { } ceiling && targets.Contains(context.Tenant))
            {
                caps[context.Tenant] = ceiling;
            }

            return caps;
        }

        var victimWants = VictimWants(context);
        var available = 1.0;
        var neighbours = 0.0;
        var claims = new List<ShareClaim>();
        foreach (var group in context.GpuSnapshot.Processes.Select(p => p.Attribution.Tenant).Distinct(StringComparer.Ordinal))
        {
            var share = ActionTargets.Share(context.Latest, context.Gpu, group) ?? 0;
            if (group == context.Tenant)
            {
                continue;
            }

            if (targets.Contains(group))
            {
                // What a throttled tenant would use unthrottled: its share scaled back up by its duty cycle.
                var demand = _controllers.TryGetValue(group, out var c) ? Math.Min(1, share / Math.Max(c.Duty, 0.01)) : share;
                claims.Add(new ShareClaim(group, demand, 0, Weight(context, group)));
                neighbours += share;
            }
            else
            {
                // Tenants this action may not touch keep what they use.
                available -= share;
            }
        }

        // The neighbours share what the floor's tenant does not need to reach floor + hysteresis (FloorBudget);
        // a victim with no demand left needs nothing, so nothing is held back for it.
        _budget ??= new FloorBudget(context.Floor ?? 0, context.Policy.Hysteresis);
        var victim = ActionTargets.Share(context.Latest, context.Gpu, context.Tenant) ?? 0;
        var capacity = WorkloadResult(context) is { } workload
            ? (_latency ??= new LatencyBudget(WorkloadWindow(context))).Update(context.Time.GetUtcNow(), workload, available, neighbours)
            : victimWants
                ? _budget.Update(available, victim, neighbours, context.ViolatedFloor is not null)
                : Math.Max(0, available);
        var shares = ShareAllocator.Allocate(capacity, claims);
        for (var i = 0; i < claims.Count; i++)
        {
            caps[claims[i].Tenant] = shares[i];
        }

        return caps;
    }

    // A latency or throughput objective of the policy, as evaluated this cycle: it, not a share, sets the budget.
    private static Evaluation.ObjectiveResult? WorkloadResult(ActionContext context)
    {
        foreach (var r in context.Results)
        {
            if (KnownPolicyTypes.Objectives.IsWorkload(r.Type))
            {
                return r;
            }
        }

        return null;
    }

    private static TimeSpan WorkloadWindow(ActionContext context) =>
        context.Policy.Objectives.First(o => KnownPolicyTypes.Objectives.IsWorkload(o.Type)).Window;

    private static bool VictimWants(ActionContext context)
    {
        var threshold = context.Policy.Objectives.FirstOrDefault(o => o.Type == KnownPolicyTypes.Objectives.MinSmShare)?.DemandThreshold ?? PolicyOptionsDefaults.DemandThreshold;
        return ActionTargets.Processes(context, context.Tenant).Any()
            && (ActionTargets.Share(context.Latest, context.Gpu, context.Tenant) ?? 0) >= threshold;
    }

    private static double Weight(ActionContext context, string tenant) => context.Options.Weights.GetValueOrDefault(tenant, 1);

    /// <summary>
    /// A plan that journals the processes not yet journaled, before any of them is signalled (the engine fsyncs it
    /// before the next plan's duty cycles); null when there are none after the first. Only journaled processes are
    /// ever driven, so when the journal cannot take a later record, the new processes are left alone and tried
    /// again next cycle; when it cannot take the first, the throttle does not start.
    /// </summary>
    private ActionPlan? JournalPlan(ActionContext context, bool first)
    {
        var added = new List<ProcessKey>();
        foreach (var tenant in _controllers.Keys)
        {
            foreach (var p in ActionTargets.Processes(context, tenant))
            {
                if (_processes.ContainsKey(p.Reading.Pid) || added.Any(k => k.Pid == p.Reading.Pid) || context.Processes.Identify(p) is not { } key)
                {
                    continue;
                }

                added.Add(key);
            }
        }

        if (!first && added.Count == 0)
        {
            return null;
        }

        var entry = _entry with { At = context.Time.GetUtcNow(), Processes = added.Select(k => new JournalProcess(k.Pid, k.StartTime)).ToList(), Detail = Detail };
        return new ActionPlan
        {
            Entry = entry,
            Apply = static () => { },
            Journaled = journaled =>
            {
                _entry = journaled with { Processes = null };
                foreach (var key in added)
                {
                    _processes[key.Pid] = key;
                    _journaled.Add(new JournalProcess(key.Pid, key.StartTime));
                }
            },
        };
    }

    // What each throttled tenant achieved this cycle: reported in both modes.
    private void NoteAchieved(ActionContext context)
    {
        _achieved.Clear();
        foreach (var tenant in _controllers.Keys)
        {
            _achieved[tenant] = ActionTargets.Share(context.Latest, context.Gpu, tenant);
        }
    }

    // The duty cycles of the journaled processes (the plan's step: never called in dry-run).
    private void Drive(ActionContext context)
    {
        foreach (var (tenant, controller) in _controllers)
        {
            foreach (var p in ActionTargets.Processes(context, tenant))
            {
                if (_processes.TryGetValue(p.Reading.Pid, out var key))
                {
                    context.Processes.SetDutyCycle(key, controller.Duty);
                }
            }
        }
    }

    private static string Label(string tenant) => tenant.Length == 0 ? "(no tenant)" : tenant;
}
