using GpuQos.Collectors.Attribution;
using GpuQos.Collectors.Backends;
using GpuQos.Collectors.Collection;
using GpuQos.Enforcer.Actions;
using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Evaluation;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;
using Microsoft.Extensions.Logging;

namespace GpuQos.Enforcer.Engine;

/// <summary>
/// Evaluates every policy once per collection cycle, drives one state machine per (policy, tenant, GPU), and
/// applies, updates and lifts actions. Every action is journaled before it is applied; <see cref="Recover"/>
/// undoes what a crashed run left in force and <see cref="RevertAll"/> undoes everything at a clean stop. A
/// policy that fails is disabled alone, its actions lifted, and the others keep running.
/// <see cref="Reconfigure"/> applies a reloaded configuration.
/// </summary>
public sealed partial class SlaEnforcer : IEnforcementControl, IDisposable
{
    private readonly IGpuBackend _backend;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, IActionFactory> _factories;
    private readonly Dictionary<SlaKey, SlaTrack> _tracks = [];

    // Kept across cycles: each (tenant, GPU)'s usage series slides forward instead of being looked up again.
    private readonly EvaluationHistory _history = new();

    // The GPUs of the policy being stepped; reused, as each policy's list is done with before the next.
    private readonly List<int> _gpus = [];

    // One step's objective results before they are compared with the track's last ones.
    private ObjectiveResult[] _results = [];
    private readonly Dictionary<string, IProcessActuator> _actuators = new(StringComparer.Ordinal);
    private readonly IProcessActuator _processes;
    private readonly CgroupFreezer _freezer;
    private readonly ActionReverter _reverter;
    private readonly ActionJournal? _journal;
    private readonly JournalTrust _trust;
    private readonly PidNamespaceGuard _pidNamespace;

    // Why nothing may act when the journal did not open; policies added by a reload get it too.
    private readonly string? _journalError;
    private readonly bool _ownJournal;
    private readonly Queue<ActionRecord> _recent = new();
    private readonly Dictionary<(string Action, string Policy, string Result), long> _counts = [];
    private readonly Lock _lock = new();
    private EnforcementOptions _options;

    // Replaced whole by a reload, never changed in place, so a reader outside the lock sees one list or the other.
    private List<CompiledPolicy> _policies;
    private bool _disposed;

    /// <summary>Creates the enforcer and opens its journal. Call <see cref="Recover"/> before the first cycle.</summary>
    /// <param name="options">Global settings.</param>
    /// <param name="policies">The configured policies.</param>
    /// <param name="factories">One factory per action type.</param>
    /// <param name="backend">The backend whose GPUs are controlled.</param>
    /// <param name="time">The clock the state machines run on.</param>
    /// <param name="logger">Where decisions and actions are logged.</param>
    /// <param name="processes">Process actuator; by default the simulated host's when the backend is simulated, else real signals.</param>
    /// <param name="trust">Who may own the journal <see cref="Recover"/> replays; by default root or the effective user.</param>
    /// <param name="pidNamespace">
    /// Whether the backend's PIDs are this process's (NVML reports the host's); null when they always are.
    /// When they are not, process actions are refused.
    /// </param>
    /// <param name="workload">The workloads' own metrics, read by a sampler, for latency and throughput objectives.</param>
    public SlaEnforcer(
        EnforcementOptions options,
        IReadOnlyList<PolicyOptions> policies,
        IEnumerable<IActionFactory> factories,
        IGpuBackend backend,
        TimeProvider time,
        ILogger<SlaEnforcer> logger,
        IProcessActuator? processes = null,
        JournalTrust? trust = null,
        PidNamespaceCheck? pidNamespace = null,
        Workload.WorkloadReadings? workload = null)
    {
        // Hook for latency and throughput objectives (src/Enforcer/Workload): read by the evaluator from the history.
        _history.Workload = workload;
        _trust = trust ?? JournalTrust.Host;
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(backend);
        _options = options;
        _backend = backend;
        _time = time;
        _logger = logger;
        _factories = factories.ToDictionary(f => f.Type, StringComparer.Ordinal);
        _policies = policies.Select(p => CompiledPolicy.Build(p, _factories)).ToList();
        if (processes is not null)
        {
            _actuators[processes.Kind] = processes;
        }

        if (backend is ISimulatedProcessControl sim && !_actuators.ContainsKey("sim"))
        {
            _actuators["sim"] = new SimulatedProcessActuator(sim);
        }

        if (!_actuators.ContainsKey("os"))
        {
            // Always present: a journal left by a run on real processes is undone with real signals.
            _actuators["os"] = new OsProcessActuator(options.ThrottlePeriod, TimeProvider.System, exclusions: ProcessExclusions.ForDaemon(options.ActOnMpsServer));
        }

        _pidNamespace = new PidNamespaceGuard(pidNamespace);
        _processes = processes ?? (backend is ISimulatedProcessControl ? _actuators["sim"] : _actuators["os"]);
        _freezer = new CgroupFreezer(options.CgroupRoot);
        _reverter = new ActionReverter(backend.Control, _actuators, _freezer, () => MpsOf(_options));
        _ownJournal = options.Journal is null && backend is ISimulatedProcessControl;
        var journal = options.Journal ?? (_ownJournal
            ? Path.Combine(Path.GetTempPath(), $"gpuqos-sim-{Environment.ProcessId}-{Guid.NewGuid():N}.jsonl")
            : EnforcementOptionsDefaults.Journal);
        try
        {
            // The simulated host's own journal is never replayed by a later run, so its key need not outlive it.
            _journal = new ActionJournal(journal, _ownJournal ? JournalKey.Ephemeral() : null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Acting without a journal could leave damage behind after a crash, so nothing acts; monitoring goes on.
            _journalError = $"the action journal {journal} cannot be opened ({ex.Message}); enforcement is off";
            if (ex is JournalTrustException refused)
            {
                EnforcerLog.JournalRefused(_logger, journal, refused.Reason);
            }

            foreach (var p in _policies)
            {
                p.Error = _journalError;
            }
        }

        JournalPath = journal;
        HistoryWindow = WindowOf(_policies);
        foreach (var p in _policies.Where(p => p.Error is not null))
        {
            EnforcerLog.PolicyFailed(_logger, p.Options.Name, p.Error!);
        }

        var failed = _policies.Count(p => p.Error is not null);
        EnforcerLog.Started(_logger, _policies.Count, failed, options.Mode == EnforcementMode.DryRun ? "dry-run" : "enforce", journal);
    }

    /// <inheritdoc />
    public bool Paused { get; private set; }

    /// <summary>The journal file.</summary>
    public string JournalPath { get; }

    /// <summary>The longest objective window of the policies in force: how much history <see cref="Evaluate"/> needs.</summary>
    public TimeSpan HistoryWindow { get; private set; }

    /// <summary>Runs one evaluation cycle over the latest snapshot and the history before it (oldest first, ending with it).</summary>
    public void Evaluate(HostSnapshot latest, IReadOnlyList<HostSnapshot> history)
    {
        ArgumentNullException.ThrowIfNull(latest);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = _time.GetUtcNow();
            _history.Advance(history);
            var tenantGpus = GpusByTenant(latest);
            foreach (var policy in _policies)
            {
                if (policy.Error is not null)
                {
                    continue;
                }

                try
                {
                    GpusFor(policy, latest, tenantGpus, _gpus);
                    foreach (var gpu in _gpus)
                    {
                        Step(policy, gpu, latest, now);
                    }
                }
                catch (Exception ex)
                {
                    // A policy that throws is disabled and its actions lifted; the others run on.
                    policy.Error = $"{ex.GetType().Name}: {ex.Message}";
                    EnforcerLog.PolicyFailed(_logger, policy.Options.Name, policy.Error);
                    LiftPolicy(policy.Options.Name, "policy failed");
                }
            }

            NoteJournalRecovered();
        }
    }

    private void Step(CompiledPolicy policy, int gpu, HostSnapshot latest, DateTimeOffset now)
    {
        var p = policy.Options;
        var key = new SlaKey(p.Name, p.Tenant, gpu);
        var identity = latest.Gpus[gpu].Identity;
        if (!policy.Tracks.TryGetValue(gpu, out var track))
        {
            track = new SlaTrack(new SlaStateMachine(p.For, p.Cooldown, p.Limits.MaxActions, p.Limits.Window, now), identity);
            _tracks[key] = track;
            policy.Tracks[gpu] = track;
        }

        track.Gpu = identity;
        var series = track.Series = track.Series is { } kept ? _history.Refresh(kept) : _history.SeriesOf(p.Tenant, gpu);

        // Plain loops, and the action context only where an action needs it: this runs for every (policy, GPU)
        // pair every cycle, and most of them are ok with nothing in force.
        var count = p.Objectives.Count;
        if (_results.Length < count)
        {
            _results = new ObjectiveResult[count];
        }

        var violated = false;
        var clear = true;
        var same = track.Results.Count == count;
        for (var i = 0; i < count; i++)
        {
            var result = ObjectiveEvaluator.Evaluate(p.Objectives[i], series, _history, p.Hysteresis);
            _results[i] = result;
            same = same && track.Results[i] == result;
            violated |= result.Violated;
            clear &= result.Clear;
        }

        // A new list only when a result changed: the views hand the list out, so it is never changed in place.
        if (!same)
        {
            track.Results = _results.AsSpan(0, count).ToArray();
        }

        var results = track.Results;
        ActionContext? context = null;
        var slack = true;
        foreach (var active in track.Active)
        {
            context ??= Context(p, gpu, latest, results);
            active.Update(context);
            foreach (var applied in active.TakeApplied())
            {
                var result = context.DryRun ? ActionResults.DryRun : ActionResults.Applied;
                Record(key, identity.Uuid, active.Id, active.Type, result, applied);
                EnforcerLog.ActionTaken(_logger, active.Type, active.Id, key.Policy, key.Tenant, key.Gpu, result, applied);
            }
        }

        foreach (var active in track.Active)
        {
            slack &= active.Slack(context!);
        }

        var before = track.Machine.State;
        var decision = track.Machine.Step(now, violated, clear, slack);
        track.HeldBack = track.Machine.HeldBack;
        if (decision == SlaDecision.Act)
        {
            Act(policy, key, track, context ?? Context(p, gpu, latest, results), identity.Uuid);
        }
        else if (decision == SlaDecision.Lift)
        {
            Lift(key, track, "objectives met");
        }

        if (track.Machine.State != before)
        {
            var from = before.Label();
            var to = track.Machine.State.Label();
            var objectives = Describe(results);
            EnforcerLog.StateChanged(_logger, p.Name, p.Tenant, gpu, from, to, objectives);
        }

        if (track.HeldBack is { } reason && track.Machine.State == SlaState.Breached)
        {
            EnforcerLog.HeldBack(_logger, p.Name, p.Tenant, gpu, reason);
        }
    }

    private void Act(CompiledPolicy policy, SlaKey key, SlaTrack track, ActionContext context, string uuid)
    {
        if (Paused)
        {
            track.HeldBack = "enforcement is paused";
            return;
        }

        foreach (var action in policy.Actions)
        {
            if ((_pidNamespace.Refusal(action, context) ?? action.Refusal(context)) is { } refusal)
            {
                Record(key, uuid, 0, action.Type, ActionResults.Refused, refusal);
                EnforcerLog.ActionRefused(_logger, action.Type, key.Policy, key.Tenant, key.Gpu, refusal);
                continue;
            }

            var id = Journal.NextId();
            try
            {
                if (action.Apply(context, id) is { } active)
                {
                    track.Active.Add(active);
                    var result = context.DryRun ? ActionResults.DryRun : ActionResults.Applied;
                    Record(key, uuid, id, action.Type, result, active.Detail);
                    EnforcerLog.ActionTaken(_logger, action.Type, id, key.Policy, key.Tenant, key.Gpu, result, active.Detail);
                }
            }
            catch (JournalWriteException ex)
            {
                // Journal before act: nothing was applied; the breach asks again next cycle, so space coming back heals it.
                Record(key, uuid, id, action.Type, ActionResults.Refused, ex.Message);
                NoteJournalFailure(ex);
            }
            catch (Exception ex) when (ex is GpuBackendException or IOException or InvalidOperationException or ArgumentException or UnauthorizedAccessException)
            {
                // The journal line may already be written. It stays open until a clean stop empties the journal or
                // the next start undoes it, which is harmless for an action that never took effect.
                Record(key, uuid, id, action.Type, ActionResults.Failed, ex.Message);
                EnforcerLog.ActionFailed(_logger, ex, action.Type, id, key.Policy, key.Tenant, key.Gpu);
            }
        }

        if (track.Active.Count > 0)
        {
            track.Machine.Enforced(_time.GetUtcNow());
        }
        else
        {
            track.HeldBack = "no action applies on this GPU now";
        }
    }

    private int Lift(SlaKey key, SlaTrack track, string reason)
    {
        var count = 0;
        for (var i = track.Active.Count - 1; i >= 0; i--)
        {
            var active = track.Active[i];
            try
            {
                _reverter.Revert(active.Entry);
                var note = CloseInJournal(active.Entry);
                Record(key, track.Uuid, active.Id, active.Type, active.Entry.DryRun ? ActionResults.DryRun : ActionResults.Reverted, $"{reason}: lifted {active.Detail}{note}");
                count++;
            }
            catch (Exception ex) when (ex is GpuBackendException or IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                // Left in the journal: the next start tries again.
                Record(key, track.Uuid, active.Id, active.Type, ActionResults.RevertFailed, ex.Message);
                EnforcerLog.ActionFailed(_logger, ex, active.Type, active.Id, key.Policy, key.Tenant, key.Gpu);
            }
        }

        track.Active.Clear();
        return count;
    }

    private void LiftPolicy(string policy, string reason)
    {
        foreach (var (key, track) in _tracks.Where(kv => kv.Key.Policy == policy))
        {
            Lift(key, track, reason);
            track.Machine.Reset(_time.GetUtcNow());
        }
    }

    /// <summary>
    /// The GPUs a policy is evaluated on: those it names, or those its tenant uses now plus those it already
    /// tracks (so a tenant that left is still seen to recover). Live and in range, in order.
    /// </summary>
    private static void GpusFor(CompiledPolicy policy, HostSnapshot latest, Dictionary<string, List<int>> tenantGpus, List<int> gpus)
    {
        gpus.Clear();
        if (policy.Options.Gpus.Count > 0)
        {
            gpus.AddRange(policy.Options.Gpus);
        }
        else
        {
            if (tenantGpus.TryGetValue(policy.Options.Tenant, out var used))
            {
                gpus.AddRange(used);
            }

            gpus.AddRange(policy.Tracks.Keys);
        }

        // GPU indexes below 64 (every host there is) are deduplicated and ordered as bits of one word; this
        // runs for each of the policies every cycle.
        var bits = 0UL;
        var wide = false;
        foreach (var g in gpus)
        {
            if (g is >= 0 and < 64)
            {
                bits |= 1UL << g;
            }
            else
            {
                wide |= g >= 64;
            }
        }

        if (wide)
        {
            gpus.Sort();
        }
        else
        {
            gpus.Clear();
            for (; bits != 0; bits &= bits - 1)
            {
                gpus.Add(System.Numerics.BitOperations.TrailingZeroCount(bits));
            }
        }

        var kept = 0;
        for (var i = 0; i < gpus.Count; i++)
        {
            var g = gpus[i];
            if (g >= 0 && g < latest.Gpus.Count && !latest.Gpus[g].Lost && (kept == 0 || gpus[kept - 1] != g))
            {
                gpus[kept++] = g;
            }
        }

        gpus.RemoveRange(kept, gpus.Count - kept);
    }

    // Built once per cycle: asking each of a thousand policies to scan every tenant and every track made the
    // evaluation quadratic in the number of policies.
    private static Dictionary<string, List<int>> GpusByTenant(HostSnapshot latest)
    {
        var result = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (var t in latest.Tenants)
        {
            AddGpu(result, t.Tenant, t.Gpu);
        }

        return result;
    }

    private static void AddGpu(Dictionary<string, List<int>> map, string key, int gpu)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(gpu);
    }

    private ActionContext Context(PolicyOptions policy, int gpu, HostSnapshot latest, IReadOnlyList<ObjectiveResult> results) => new()
    {
        Policy = policy,
        Tenant = policy.Tenant,
        Gpu = gpu,
        Latest = latest,
        Results = results,
        Options = _options,
        Control = _backend.Control,
        Mps = MpsOf(_options),
        Processes = _processes,
        Freezer = _freezer,
        Journal = Journal,
        Time = _time,
        DryRun = ModeOf(policy) == EnforcementMode.DryRun,
    };

    // The simulated host has no MPS control daemon; elsewhere the configured one (cheap: nothing runs until a command).
    private Collectors.Nvml.MpsControl? MpsOf(EnforcementOptions options) =>
        _backend is ISimulatedProcessControl ? null : new Collectors.Nvml.MpsControl(options.Mps.ControlBinary, options.Mps.PipeDirectory, options.Mps.Timeout);

    // Only reached for running policies, which exist only when the journal opened.
    private ActionJournal Journal => _journal ?? throw new InvalidOperationException("the action journal is not open");

    private EnforcementMode ModeOf(PolicyOptions policy) => policy.Mode ?? _options.Mode;

    private void Record(SlaKey key, string uuid, long id, string action, string result, string detail) =>
        Add(new ActionRecord(_time.GetUtcNow(), id, key.Policy, key.Tenant, key.Gpu, uuid, action, result, detail));

    private void Record(JournalEntry entry, string uuid, string result, string detail) =>
        Add(new ActionRecord(_time.GetUtcNow(), entry.Id, entry.Policy, entry.Tenant, entry.Gpu, uuid, entry.Action, result, detail));

    private void Add(ActionRecord record)
    {
        _recent.Enqueue(record);
        while (_recent.Count > _options.ActionHistory)
        {
            _recent.Dequeue();
        }

        var key = (record.Action, record.Policy, record.Result);
        _counts[key] = _counts.GetValueOrDefault(key) + 1;
    }

    private static string Describe(IReadOnlyList<ObjectiveResult> results) =>
        string.Join("; ", results.Select(r => FormattableString.Invariant($"{r.Type} value {r.Value:0.###} target {r.Target:0.###}{(r.Violated ? " violated" : "")}")));
}
