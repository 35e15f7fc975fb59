namespace GpuQos.Enforcer;

/// <summary>Operator controls over enforcement, exposed on token-protected HTTP endpoints.</summary>
public interface IEnforcementControl
{
    /// <summary>True while enforcement is paused: policies are still evaluated, nothing is applied.</summary>
    bool Paused { get; }

    /// <summary>Stops applying new actions and reverts those in force.</summary>
    Task PauseAsync(CancellationToken cancellationToken);

    /// <summary>Resumes applying actions.</summary>
    Task ResumeAsync(CancellationToken cancellationToken);

    /// <summary>Reverts every action in force; returns how many were reverted.</summary>
    Task<int> RevertAllAsync(CancellationToken cancellationToken);
}
