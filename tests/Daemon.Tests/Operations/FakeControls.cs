using GpuQos.Enforcer;
using GpuQos.IsolationProbes;

namespace GpuQos.Daemon.Tests.Operations;

/// <summary>Records what the control endpoints asked of enforcement.</summary>
public sealed class FakeEnforcementControl : IEnforcementControl
{
    public bool Paused { get; private set; }

    public int Reverts { get; private set; }

    /// <summary>Every call, in order.</summary>
    public List<string> Calls { get; } = [];

    public Task PauseAsync(CancellationToken cancellationToken)
    {
        Calls.Add("pause");
        Paused = true;
        return Task.CompletedTask;
    }

    public Task ResumeAsync(CancellationToken cancellationToken)
    {
        Calls.Add("resume");
        Paused = false;
        return Task.CompletedTask;
    }

    public Task<int> RevertAllAsync(CancellationToken cancellationToken)
    {
        Calls.Add("revert");
        Reverts++;
        return Task.FromResult(3);
    }
}

/// <summary>An audit trigger that starts once and is then running.</summary>
public sealed class FakeAuditTrigger : IAuditTrigger
{
    public bool Running { get; private set; }

    public bool TryStart()
    {
        if (Running)
        {
            return false;
        }

        Running = true;
        return true;
    }
}
