using GpuQos.Enforcer.Actions;
using GpuQos.Enforcer.Evaluation;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;
using GpuQos.Model.Backends;
using GpuQos.Model.Procfs;
using GpuQos.Model.Snapshots;

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
    private readonly EnforcementActuators _actuators;
    private readonly ActionReverter _reverter;
    private readonly ActionJournal? _journal;
    private readonly ActionRunner _runner;
    private readonly JournalTrust _trust;
    private readonly PidNamespaceGuard _pidNamespace;

    // Why nothing may act when the journal did not open; policies added by a reload get it too.
    private readonly string? _journalError;
    private readonly bool _ownJournal;
    private readonly ActionLog _log;
    private readonly Lock _lock = new();
    private EnforcementOptions _options;

    // Replaced whole by a reload, never changed in place, so a reader outside the lock sees one list or the other.
    private List<CompiledPolicy> _policies;

    // The policy list and failure count the published view's policy lists were built from (PublishView).
    private List<CompiledPolicy>? _viewPolicies;
    private int _viewFailures;
    private bool _disposed;

    // What readers see, published at the end of every change (SlaEnforcer.Views.cs).
    private volatile EnforcerView _view = EnforcerView.Empty;

    /// <summary>Creates the enforcer over its journal and actuators. Call <see cref="Recover"/> before the first cycle.</summary>
    /// <param name="options">Global settings.</param>
    /// <param name="policies">The configured policies.</param>
    /// <param name="factories">One factory per action type.</param>
    /// <param name="backend">The backend whose GPUs are controlled.</param>
    /// <param name="actuators">What actions act through, chosen for the backend; released at <see cref="Dispose"/>.</param>
    /// <param name="journal">The action journal as opened at start; when it did not open, nothing acts.</param>
    /// <param name="time">The clock the state machines run on.</param>
    /// <param name="logger">Where decisions and actions are logged.</param>
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
        EnforcementActuators actuators,
        EnforcementJournal journal,
        TimeProvider time,
        ILogger<SlaEnforcer> logger,
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
        ArgumentNullException.ThrowIfNull(actuators);
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _backend = backend;
        _time = time;
        _logger = logger;
        _factories = factories.ToDictionary(f => f.Type, StringComparer.Ordinal);
        _policies = policies.Select(p => CompiledPolicy.Build(p, _factories)).ToList();
        _actuators = actuators;
        _log = new ActionLog(time, () => _options.ActionHistory);
        _pidNamespace = new PidNamespaceGuard(pidNamespace);
        _reverter = new ActionReverter(backend.Control, actuators.ByKind, actuators.Freezer, () => actuators.MpsFor(_options));
        _ownJournal = journal.Ephemeral;
        _journal = journal.Journal;
        if (journal.Error is { } ex)
        {
            // Acting without a journal could leave damage behind after a crash, so nothing acts; monitoring goes on.
            _journalError = $"the action journal {journal.Path} cannot be opened ({ex.Message}); enforcement is off";
            if (ex is JournalTrustException refused)
            {
                EnforcerLog.JournalRefused(_logger, journal.Path, refused.Reason);
            }

            foreach (var p in _policies)
            {
                p.Error = _journalError;
            }
        }

        _runner = new ActionRunner(new ActionExecutor(_journal), _journal, _pidNamespace, _log, NoteJournalFailure, _logger);
        JournalPath = journal.Path;
        HistoryWindow = WindowOf(_policies);
        foreach (var p in _policies.Where(p => p.Error is not null))
        {
            EnforcerLog.PolicyFailed(_logger, p.Options.Name, p.Error!);
        }

        var failed = _policies.Count(p => p.Error is not null);
        EnforcerLog.Started(_logger, _policies.Count, failed, options.Mode == EnforcementMode.DryRun ? "dry-run" : "enforce", journal.Path);
        PublishView();
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
            var tenantGpus = PolicyGpus.ByTenant(latest);
            foreach (var policy in _policies)
            {
                if (policy.Error is not null)
                {
                    continue;
                }

                try
                {
                    PolicyGpus.Of(policy, latest, tenantGpus, _gpus);
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
            PublishView();
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
        track.Clock.Add(now, _results.AsSpan(0, count));
        ActionContext? context = null;
        var slack = true;
        var dryRun = ModeOf(p) == EnforcementMode.DryRun;
        foreach (var active in track.Active)
        {
            context ??= Context(p, gpu, latest, results);
            foreach (var plan in active.Update(context))
            {
                _runner.CarryOut(key, identity.Uuid, active, plan, dryRun);
            }
        }

        // In dry-run nothing was applied, so nothing bites.
        foreach (var active in track.Active)
        {
            slack &= dryRun || active.Slack(context!);
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

        _runner.Act(policy, key, track, context, uuid, ModeOf(policy.Options) == EnforcementMode.DryRun);

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
                _log.Record(key, track.Uuid, active.Id, active.Type, active.Entry.DryRun ? ActionResults.DryRun : ActionResults.Reverted, $"{reason}: lifted {active.Detail}{note}");
                count++;
            }
            catch (Exception ex) when (ex is GpuBackendException or IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                // Left in the journal: the next start tries again.
                _log.Record(key, track.Uuid, active.Id, active.Type, ActionResults.RevertFailed, ex.Message);
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

    private ActionContext Context(PolicyOptions policy, int gpu, HostSnapshot latest, IReadOnlyList<ObjectiveResult> results) => new()
    {
        Policy = policy,
        Tenant = policy.Tenant,
        Gpu = gpu,
        Latest = latest,
        Results = results,
        Options = _options,
        Control = _backend.Control,
        Mps = _actuators.MpsFor(_options),
        Processes = _actuators.Processes,
        Freezer = _actuators.Freezer,
        Time = _time,
    };

    // Only reached for running policies, which exist only when the journal opened.
    private ActionJournal Journal => _journal ?? throw new InvalidOperationException("the action journal is not open");

    private EnforcementMode ModeOf(PolicyOptions policy) => policy.Mode ?? _options.Mode;

    private static string Describe(IReadOnlyList<ObjectiveResult> results) =>
        string.Join("; ", results.Select(r => FormattableString.Invariant($"{r.Type} value {r.Value:0.###} target {r.Target:0.###}{(r.Tail is { } t ? $" ({t})" : "")}{(r.Violated ? " violated" : "")}")));
}
