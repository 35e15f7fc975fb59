namespace GpuQos.Enforcer.Evaluation;

/// <summary>
/// The state of one (policy, tenant, GPU): ok → pending (<c>for</c>) → breached → enforcing → recovering
/// (<c>for</c>) → ok. It decides; the enforcer acts. Time comes from the caller (an injected
/// <see cref="TimeProvider"/>), so tests drive it with a fake clock.
/// </summary>
public sealed class SlaStateMachine
{
    private readonly TimeSpan _for;
    private readonly TimeSpan _cooldown;
    private readonly int _maxActions;
    private readonly TimeSpan _actionWindow;
    private readonly Queue<DateTimeOffset> _actions = new();
    private DateTimeOffset? _lastStep;
    private DateTimeOffset? _liftedAt;

    /// <summary>Creates a machine in <see cref="SlaState.Ok"/>.</summary>
    public SlaStateMachine(TimeSpan @for, TimeSpan cooldown, int maxActions, TimeSpan actionWindow, DateTimeOffset now)
    {
        _for = @for;
        _cooldown = cooldown;
        _maxActions = maxActions;
        _actionWindow = actionWindow;
        Since = now;
    }

    /// <summary>The current state.</summary>
    public SlaState State { get; private set; } = SlaState.Ok;

    /// <summary>When the current state was entered.</summary>
    public DateTimeOffset Since { get; private set; }

    /// <summary>How many times the policy has been breached (pending → breached).</summary>
    public long Breaches { get; private set; }

    /// <summary>Seconds spent breached, enforcing or recovering.</summary>
    public double BreachSeconds { get; private set; }

    /// <summary>Why the last <see cref="SlaDecision.Act"/> was held back (cooldown, limit), or null.</summary>
    public string? HeldBack { get; private set; }

    /// <summary>Advances the machine.</summary>
    /// <param name="now">The current time.</param>
    /// <param name="violated">Any objective is violated.</param>
    /// <param name="clear">Every objective is met with hysteresis.</param>
    /// <param name="slack">The actions in force no longer bite (a throttled tenant wants less than its cap).</param>
    public SlaDecision Step(DateTimeOffset now, bool violated, bool clear, bool slack)
    {
        if (_lastStep is { } last && State is SlaState.Breached or SlaState.Enforcing or SlaState.Recovering && now > last)
        {
            BreachSeconds += (now - last).TotalSeconds;
        }

        _lastStep = now;
        HeldBack = null;
        switch (State)
        {
            case SlaState.Ok when violated:
                Enter(SlaState.Pending, now);
                return _for <= TimeSpan.Zero ? Breach(now) : SlaDecision.None;
            case SlaState.Pending when !violated:
                Enter(SlaState.Ok, now);
                return SlaDecision.None;
            case SlaState.Pending when now - Since >= _for:
                return Breach(now);
            case SlaState.Breached when clear:
                Enter(SlaState.Ok, now);
                return SlaDecision.None;
            case SlaState.Breached:
                return TryAct(now);
            case SlaState.Enforcing when clear && slack:
                Enter(SlaState.Recovering, now);
                return _for <= TimeSpan.Zero ? Lift(now) : SlaDecision.None;
            case SlaState.Recovering when !(clear && slack):
                Enter(SlaState.Enforcing, now);
                return SlaDecision.None;
            case SlaState.Recovering when now - Since >= _for:
                return Lift(now);
            default:
                return SlaDecision.None;
        }
    }

    /// <summary>Called after actions were applied (or planned, in dry-run) for an <see cref="SlaDecision.Act"/>.</summary>
    public void Enforced(DateTimeOffset now)
    {
        _actions.Enqueue(now);
        Enter(SlaState.Enforcing, now);
    }

    /// <summary>Called when every action was lifted for another reason (pause, revert-all): back to ok, cooling down.</summary>
    public void Reset(DateTimeOffset now)
    {
        if (State is SlaState.Enforcing or SlaState.Recovering)
        {
            _liftedAt = now;
        }

        Enter(SlaState.Ok, now);
    }

    private SlaDecision Breach(DateTimeOffset now)
    {
        Breaches++;
        Enter(SlaState.Breached, now);
        return TryAct(now);
    }

    private SlaDecision TryAct(DateTimeOffset now)
    {
        if (_liftedAt is { } lifted && now - lifted < _cooldown)
        {
            HeldBack = $"cooling down until {(lifted + _cooldown - now).TotalSeconds:0} s from now";
            return SlaDecision.None;
        }

        while (_actions.Count > 0 && now - _actions.Peek() >= _actionWindow)
        {
            _actions.Dequeue();
        }

        if (_actions.Count >= _maxActions)
        {
            HeldBack = $"{_maxActions} action sets within {_actionWindow.TotalSeconds:0} s";
            return SlaDecision.None;
        }

        return SlaDecision.Act;
    }

    private SlaDecision Lift(DateTimeOffset now)
    {
        _liftedAt = now;
        Enter(SlaState.Ok, now);
        return SlaDecision.Lift;
    }

    private void Enter(SlaState state, DateTimeOffset now)
    {
        if (state != State)
        {
            State = state;
            Since = now;
        }
    }
}
